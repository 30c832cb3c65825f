"""Outreach (issue 21): opt-in announcements and reminders, and community classes. Pure rules only —
storage is bot/storage/outreach.py and bot/storage/classes.py, the chat flow is `chat.py` (docs/OUTREACH.md)."""
