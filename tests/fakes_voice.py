"""Voice additions to the fake Bot API (issue 23): getFile + /file/bot<token>/<path> downloads and
sendVoice, registered in front of FakeTelegram's catch-all method route; and helpers that make audio."""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi import Request
from fastapi.responses import JSONResponse, Response

from tests.fakes import FakeTelegram


class FakeVoiceTelegram(FakeTelegram):
    def __init__(self, token: str = "123456:TEST-token") -> None:
        super().__init__(token)
        self.files: dict[str, bytes] = {}  # file_id -> bytes (also served at /file/bot<token>/voice/<file_id>.oga)
        self.voices: list[dict[str, Any]] = []  # sendVoice calls: chat_id, reply_markup, ogg (bytes)
        self.downloads: list[str] = []
        before = len(self.app.router.routes)

        @self.app.get("/file/bot{token}/voice/{name}")
        async def file(token: str, name: str) -> Response:
            file_id = name.rsplit(".", 1)[0]
            if token != self.token or file_id not in self.files:
                return Response(status_code=404)
            self.downloads.append(file_id)
            return Response(self.files[file_id], media_type="audio/ogg")

        @self.app.get("/public/{name}")
        async def public(name: str) -> Response:  # a file host for Zalo's attachment URLs
            file_id = name.rsplit(".", 1)[0]
            return Response(self.files[file_id], media_type="audio/aac") if file_id in self.files else Response(
                status_code=404)

        @self.app.post("/bot{token}/getFile")
        async def get_file(token: str, request: Request) -> JSONResponse:
            body = await request.json()
            fid = str(body.get("file_id"))
            self.calls.append("getFile")
            if fid not in self.files:
                return JSONResponse({"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}, 400)
            return self._ok({"file_id": fid, "file_unique_id": fid, "file_size": len(self.files[fid]),
                             "file_path": f"voice/{fid}.oga"})

        @self.app.post("/bot{token}/sendVoice")
        async def send_voice(token: str, request: Request) -> JSONResponse:
            import json

            form = await request.form()
            voice = form.get("voice")
            data = await voice.read() if hasattr(voice, "read") else b""  # type: ignore[union-attr]
            self.calls.append("sendVoice")
            markup = form.get("reply_markup")
            self.voices.append({"chat_id": str(form.get("chat_id")), "ogg": data,
                                "reply_markup": json.loads(str(markup)) if markup else None})
            self._next_id += 1
            return self._ok({"message_id": self._next_id, "date": int(time.time()),
                             "chat": {"id": int(str(form.get("chat_id"))), "type": "private"},
                             "voice": {"file_id": "out", "file_unique_id": "out", "duration": 1}})

        added = self.app.router.routes[before:]
        del self.app.router.routes[before:]
        self.app.router.routes[0:0] = added  # before the catch-all /bot{token}/{method}


def tg_voice_update(update_id: int, chat_id: int, file_id: str, *, duration: int | None = None,
                    file_size: int | None = None, kind: str = "voice") -> dict[str, Any]:
    item: dict[str, Any] = {"file_id": file_id, "file_unique_id": file_id, "mime_type": "audio/ogg"}
    if duration is not None:
        item["duration"] = duration
    if file_size is not None:
        item["file_size"] = file_size
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), kind: item,
        "chat": {"id": chat_id, "type": "private", "first_name": "An"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "An"}}}


def spoken_ogg(text: str, *, voice: str = "vi", words_per_minute: int = 145) -> bytes:
    """`text` as a Telegram-like voice note: espeak-ng → OGG/Opus (what `bot.voice.tts` makes)."""
    from bot.voice.tts import synthesize

    return synthesize(text, voice=voice, words_per_minute=words_per_minute).ogg


def tone_ogg(seconds: float) -> bytes:
    """A quiet tone of `seconds` as OGG/Opus (an overlong voice note)."""
    import numpy as np

    from bot.voice.tts import OPUS_RATE, encode_ogg_opus

    t = np.arange(int(seconds * OPUS_RATE)) / OPUS_RATE
    return encode_ogg_opus((0.05 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))


def ogg_seconds(data: bytes) -> float:
    """Duration of an audio file by decoding it all with PyAV (not what the container claims)."""
    from bot.voice.audio import decode

    return decode(data, max_bytes=50_000_000, max_seconds=600).seconds


def voice_cache_dir() -> Path:
    """Where the tests join the Whisper weights once (BINHDAN_TEST_CACHE moves it, shared by worktrees)."""
    root = Path(os.environ.get("BINHDAN_TEST_CACHE", Path(__file__).resolve().parents[1] / "var" / "test-cache"))
    return root / "voice"


@functools.cache
def voice_missing() -> str:
    """Why the voice tests cannot run here ("" when they can): the voice extra, the Whisper weights and
    espeak-ng with PyAV's libopus are all needed."""
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        return "the voice extra is not installed (pip install -e '.[voice]')"
    from bot.voice.status import probe

    status = probe(cache_dir=voice_cache_dir())
    if not (status.can_listen and status.can_speak):
        return "voice is not complete here: " + "; ".join(status.problems)
    return ""


def require_voice() -> None:
    """At a voice test module's top: skip it (with the reason) when the voice stack is missing, unless
    BINHDAN_REQUIRE_VOICE=1 (CI, which installs the voice extra and espeak-ng): then every test of the module
    fails with the reason (the module imports the autouse fixture `voice_stack`)."""
    why = voice_missing()
    if why and os.environ.get("BINHDAN_REQUIRE_VOICE") != "1":
        pytest.skip(why, allow_module_level=True)


@pytest.fixture(autouse=True)
def voice_stack() -> None:
    """Fails a voice test, with the reason, when the voice stack is missing (BINHDAN_REQUIRE_VOICE=1)."""
    why = voice_missing()
    if why:
        pytest.fail(f"{why} (BINHDAN_REQUIRE_VOICE=1)", pytrace=False)


def spoken_wav(text: str, path: Path, *, voice: str = "vi", rate: int = 48_000, lead_s: float = 0.4,
               tail_s: float = 0.8) -> float:
    """`text` spoken by espeak-ng into a mono 16-bit PCM WAV at `rate` (what Chromium's
    --use-file-for-fake-audio-capture plays as the microphone), with silence before and after.
    Returns the file's duration in seconds."""
    import wave

    import numpy as np

    from bot.voice.tts import espeak_wav, wav_samples

    speech = wav_samples(espeak_wav(text, voice=voice), rate=rate)
    pcm = np.concatenate([np.zeros(int(lead_s * rate), np.float32), speech, np.zeros(int(tail_s * rate), np.float32)])
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(pcm, -1, 1) * 32767).astype("<i2").tobytes())
    return len(pcm) / rate
