"""A citizen's voice note on their ticket (issue 23): with `voice.retention_s` > 0 the recording the recogniser
kept moves onto the ticket, beside its transcript, and the volunteer console can play it while the ticket is
open; it is no longer served, and then deleted (row and bytes), once the ticket is closed, cancelled or
expired, or once the retention has run out. Real SQL stores (SQLite and PostgreSQL), no voice extra needed:
the audio is an opaque file here (its first bytes say OGG)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.bootstrap import build_accounts, build_desk, build_sessions
from bot.core.handoff import TicketSummary
from bot.core.helpdesk.chat import HelpdeskChat
from bot.core.messages import InboundMessage
from bot.runtime.workers import Wakeup
from bot.voice.clips import ClipStore
from bot.wiring.helpdesk import build_helpdesk
from tests.conftest import make_settings
from tests.integration.helpers_handoff import PW, THUONG_LAM


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def heard(user_ref: str, msg_id: str) -> InboundMessage:
    return InboundMessage(channel="web", user_ref=user_ref, platform_msg_id=msg_id, received_at=datetime.now(UTC),
                          kind="voice", text="quên mật khẩu", meta={"heard": "low"})


def _setup(tmp_path: Path, db_url: str, retention_s: str = "600"):  # type: ignore[no-untyped-def]
    s = make_settings(tmp_path, db_url=db_url, BINHDAN_VOICE__RETENTION_S=retention_s,
                      BINHDAN_HANDOFF__HOURS="00:00-23:59")
    sessions, clock = build_sessions(s), Clock()
    desk = build_desk(s, sessions, clock=clock)
    kept = ClipStore(tmp_path / "kept", ttl_s=float(retention_s))
    hd = build_helpdesk(s, sessions, desk, outbox_wake=Wakeup(), kept_voice=kept.take if float(retention_s) else None)
    assert hd.chat is not None
    return s, desk, kept, hd, clock


def _ticket(desk, user_ref: str) -> int:  # type: ignore[no-untyped-def]
    return int(desk.request(channel="web", user_ref=user_ref, reason="voice", summary=TicketSummary("voice"),
                            commune=THUONG_LAM).id)


def test_a_kept_voice_note_is_played_while_the_ticket_is_open_and_deleted_when_it_closes(tmp_path: Path,
                                                                                         db_url: str) -> None:
    s, desk, kept, hd, _clock = _setup(tmp_path, db_url)
    lan = build_accounts(s).add_user("lan", PW, role="volunteer", communes=[THUONG_LAM], display_name="Lan")
    note = b"OggS" + os.urandom(3000)
    token = kept.put(note)
    tid = _ticket(desk, "c1")
    chat: HelpdeskChat = hd.chat  # type: ignore[assignment]
    assert chat.voice(heard("c1", "v1:heard"), tid, token)
    assert kept.get(token) is None  # moved, not copied
    files = hd.files.by_message(tid)
    assert len(files) == 1
    (msg_id, f), = files.items()
    assert f.mime == "audio/ogg" and f.sender == "citizen" and f.as_dict()["url"] == f"/api/files/{f.id}"
    assert hd.files.read(f.id) == (note, "audio/ogg")
    texts = {m.id: m.text for m in desk.get_for(lan, tid).messages}
    assert texts[msg_id] == "🎤"
    assert not chat.voice(heard("c1", "v1:heard"), tid, token)  # a token is good once

    desk.claim(lan, tid)
    assert hd.files.read(f.id) is not None  # claimed: still open for the volunteer
    desk.close(lan, tid)
    assert hd.files.read(f.id) is None and hd.files.by_message(tid) == {}  # closed: never served again
    assert hd.files.store.get(f.id) == note  # ... and the sweep deletes the bytes
    assert hd.files.sweep_audio() == 1
    assert hd.files.store.get(f.id) is None and hd.files.sweep_audio() == 0

    tid2 = _ticket(desk, "c2")  # cancelled by the citizen
    assert chat.voice(heard("c2", "v2:heard"), tid2, kept.put(b"OggS" + os.urandom(100)))
    f2 = next(iter(hd.files.by_message(tid2).values()))
    assert desk.cancel("web", "c2")
    assert hd.files.read(f2.id) is None and hd.files.sweep_audio() == 1


def test_a_voice_note_on_an_open_ticket_is_deleted_when_the_retention_runs_out(tmp_path: Path, db_url: str) -> None:
    _s, desk, kept, hd, clock = _setup(tmp_path, db_url)
    tid = _ticket(desk, "c1")
    assert hd.chat is not None and hd.chat.voice(heard("c1", "v1:heard"), tid, kept.put(b"OggS" + os.urandom(500)))
    f = next(iter(hd.files.by_message(tid).values()))
    clock.now += timedelta(seconds=590)
    assert hd.files.read(f.id) is not None and hd.files.sweep_audio() == 0
    clock.now += timedelta(seconds=20)  # 10 minutes after it was recorded
    assert hd.files.read(f.id) is None and hd.files.by_message(tid) == {}
    assert hd.files.sweep_audio() == 1 and hd.files.store.get(f.id) is None
    assert desk.active("web", "c1") is not None  # the ticket itself goes on


def test_without_retention_or_with_an_expired_recording_nothing_is_attached(tmp_path: Path, db_url: str) -> None:
    _s, desk, kept, hd, _clock = _setup(tmp_path, db_url, retention_s="0")
    tid = _ticket(desk, "c1")
    assert hd.chat is not None and not hd.chat.voice(heard("c1", "v1:heard"), tid, kept.put(b"OggS" + os.urandom(50)))
    assert hd.files.by_message(tid) == {}

    (tmp_path / "b").mkdir()
    _s, desk, kept, hd, _clock = _setup(tmp_path / "b", db_url)
    tid = _ticket(desk, "c3")
    token = kept.put(b"OggS" + os.urandom(50))
    old = (datetime.now(UTC) - timedelta(seconds=601)).timestamp()
    os.utime(kept.dir / f"{token}{kept.suffix}", (old, old))  # recorded 10 minutes ago: its retention is over
    assert hd.chat is not None and not hd.chat.voice(heard("c3", "v1:heard"), tid, token)
    not_audio = kept.put(b"MZ\x90\x00" + os.urandom(50))  # not an audio file: refused
    assert not hd.chat.voice(heard("c3", "v2:heard"), tid, not_audio)
    assert hd.files.by_message(tid) == {}
