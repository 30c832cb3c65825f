"""The admin console's use cases as application services over ports: publishing a volunteer's FAQ
(`faq.FaqPublisher`) and applying the console's bot settings to the running process
(`settings.BotSettingsService`). Wired by the composition root (bot/wiring/admin.py)."""
