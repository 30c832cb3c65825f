"""The HTTP routes, one module per feature, each with its `router` (included by bot/web/app.py):
chat (web chat API and page), webhooks (Telegram, Zalo), voice, check (scam checker), tickets and helpdesk
(volunteers), learning (certificates), outreach (announcements, classes), admin, admin_kb, admin_scam
(the admin console), pages (log-in and role-checked console pages, Jinja2 templates), health, metrics.
Shared request helpers are one level up: bot/web/deps.py, auth.py, chat_session.py, errors.py."""
