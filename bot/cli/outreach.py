"""`binhdan announce create|list|send|cancel` and `binhdan classes import|list` (issue 21; docs/OUTREACH.md).
Times on the command line are local (outreach.timezone, Asia/Ho_Chi_Minh)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from bot.cli.common import fail

announce_app = typer.Typer(no_args_is_help=True, help="Opt-in announcements (never sent 22:00–06:00)")
classes_app = typer.Typer(no_args_is_help=True, help="Community classes")


def _outreach() -> tuple[Any, Any, ZoneInfo]:
    from bot.bootstrap import build_outreach
    from bot.config import load_settings

    s = load_settings()
    return s, build_outreach(s), ZoneInfo(s.outreach.timezone)


def _local(d: Any, tz: ZoneInfo) -> str:
    return d.astimezone(tz).strftime("%Y-%m-%d %H:%M") if d else "-"


@announce_app.command("create")
def announce_create(
    title: Annotated[str, typer.Option(help="Name in the console")],
    text: Annotated[str, typer.Option(help="The message (≤ 1,000 characters)")],
    topic: Annotated[str, typer.Option(help="classes | scam | services")],
    commune: Annotated[list[str] | None, typer.Option(help="Commune code (repeat); none = the province")] = None,
    group: Annotated[list[str] | None, typer.Option(help="Population group (repeat)")] = None,
    lang: Annotated[list[str] | None, typer.Option(help="vi | en (repeat)")] = None,
    channel: Annotated[list[str] | None, typer.Option(help="telegram | zalo (repeat)")] = None,
    button: Annotated[list[str] | None, typer.Option(help="kind|target|title, kind = guide, lesson, class, link")] = None,
    at: Annotated[str, typer.Option(help="Local time 'YYYY-MM-DD HH:MM'; empty = now")] = "",
) -> None:
    from bot.bootstrap import build_communes, official_domains
    from bot.core.outreach import model as m

    s, outreach, tz = _outreach()
    buttons = []
    for b in button or []:
        parts = b.split("|", 2)
        if len(parts) != 3:
            fail(f"button {b!r}: write kind|target|title")
        buttons.append(m.AnnouncementButton(*[p.strip() for p in parts]))
    try:
        send_at = m.parse_local(at, tz) if at else None
    except ValueError:
        fail(f"--at {at!r}: write YYYY-MM-DD HH:MM")
    draft = m.Draft(title=title, text=text, buttons=tuple(buttons), send_at=send_at,
                    audience=m.Audience(topic, tuple(commune or ()), tuple(group or ()), tuple(lang or ()),
                                        tuple(channel or ())))
    errors = m.validate(draft, official_domains=official_domains(s),
                        communes_known=[c.code for c in build_communes(s).all()])
    if errors:
        fail(" ".join(errors))
    cid = outreach.create(draft, actor="cli")
    c = outreach.campaign(cid)
    n = outreach.audience_count(draft.audience)
    typer.echo(f"announcement {cid}: {n['total']} recipients now, sends from {_local(c['send_at'], tz)} ({tz.key})")


@announce_app.command("list")
def announce_list() -> None:
    _, outreach, tz = _outreach()
    for c in outreach.campaigns():
        f = c["figures"]
        typer.echo(f"{c['id']:>5}  {c['status']:<10} {_local(c['send_at'], tz)}  sent {f['sent']}/{f['recipients']}"
                   f"  failed {f['failed']}  out_of_window {f['out_of_window']}  opted_out {f['opted_out']}"
                   f"  clicks {f['clicks']}  {c['title']}")


@announce_app.command("send")
def announce_send(campaign_id: int) -> None:
    """Send a scheduled announcement now (after 06:00 when it is quiet time); the workers deliver it."""
    _, outreach, tz = _outreach()
    try:
        when = outreach.reschedule(campaign_id)
    except (LookupError, ValueError) as exc:
        fail(str(exc))
    done = outreach.run_once()
    typer.echo(f"announcement {campaign_id}: sends from {_local(when, tz)}; handed to the outbox: {done['queued']}")


@announce_app.command("cancel")
def announce_cancel(campaign_id: int) -> None:
    _, outreach, _tz = _outreach()
    try:
        outreach.set_status(campaign_id, "cancelled")
    except (LookupError, ValueError) as exc:
        fail(str(exc))
    typer.echo(f"announcement {campaign_id}: cancelled; pending sends withdrawn")


@classes_app.command("import")
def classes_import(path: Path) -> None:
    """CSV columns: title, commune, place, starts_at, ends_at, seats[, topic, module, contact, lang, serves].
    Any bad row: nothing is imported and every error is listed."""
    from bot.bootstrap import build_communes
    from bot.core.outreach import model as m

    s, outreach, tz = _outreach()
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: {exc}")
    drafts, errors = m.parse_classes_csv(raw, tz, communes_known=[c.code for c in build_communes(s).all()])
    if errors:
        for e in errors:
            typer.echo(e, err=True)
        fail(f"{len(errors)} bad rows: nothing imported")
    ids = outreach.add_classes(drafts, actor="cli")
    typer.echo(f"imported {len(ids)} classes")


@classes_app.command("list")
def classes_list() -> None:
    _, outreach, tz = _outreach()
    for c in outreach.list_classes():
        typer.echo(f"{c.id:>5}  {_local(c.starts_at, tz)}  {c.commune}  {c.registered}/{c.seats} (+{c.waiting} chờ)"
                   f"  {c.status:<9} {c.title}")
