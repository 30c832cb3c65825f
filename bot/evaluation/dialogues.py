"""Evaluation of the conversation's answers beyond one question: the ambiguous slice (does the bot ask
back?) and short multi-turn dialogues (follow-ups, clarifying choices, corrections), run through the real
`ConversationService` over the real answer service.

ambiguous.jsonl: {"q": str, "candidates": [doc_id…], "style": str}
dialogues.jsonl: {"id": str, "turns": [{"q": str, "expect": "answer" | "clarify" | "offer", "gold": [doc_id…]}]}

A question of the ambiguous slice counts as asked back when the chat would ask it back (`AnswerService.asks_back`:
the clarifying rule and the confidence floor), not merely when the rule fires. A turn is correct when the reply is
of the expected kind and, for an answer, its first source is a gold guide. A dialogue belongs to the split of its
first question.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.core.answering.service import AnswerService
from bot.core.conversation.engine import ConversationService
from bot.core.evaluation import in_split
from bot.core.messages import ConversationState, InboundMessage, Reply


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate_ambiguous(service: AnswerService, path: Path, split: str = "all") -> dict[str, Any]:
    rows = [r for r in _lines(path) if in_split(str(r["q"]), split)]
    asked = offered = 0
    missed: list[str] = []
    for r in rows:
        options = service.asks_back(service.retrieve(str(r["q"])))  # as asked in the chat: confidence too
        if options:
            asked += 1
            offered += bool({o.doc_id for o in options} & set(r.get("candidates") or []))
        else:
            missed.append(str(r["q"]))
    n = max(1, len(rows))
    return {"file": str(path), "n": len(rows), "clarified": round(asked / n, 4),
            "candidate_offered": round(offered / n, 4), "not_asked_back": missed[:20]}


def _kind(reply: Reply) -> str:
    return {"answer": "answer", "clarify": "clarify", "offer": "offer"}.get(reply.kind, reply.kind)


def evaluate_dialogues(service: AnswerService, path: Path, split: str = "all") -> dict[str, Any]:
    engine = ConversationService(service)
    dialogues = [d for d in _lines(path) if d.get("turns") and in_split(str(d["turns"][0]["q"]), split)]
    turns = correct = 0
    by_expect: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failures: list[dict[str, str]] = []
    for d in dialogues:
        st = ConversationState(consent="declined", greeted=True)  # declined: nothing is logged
        for i, turn in enumerate(d["turns"]):
            msg = InboundMessage(channel="eval", user_ref=str(d.get("id", "")), text=str(turn["q"]),
                                 platform_msg_id=f"{d.get('id')}-{i}", received_at=datetime.now(UTC))
            replies = engine.handle(msg, st)
            reply = next((r for r in reversed(replies) if r.kind in ("answer", "clarify", "offer", "not_covered")),
                         replies[-1] if replies else Reply(""))
            expect = str(turn.get("expect") or "answer")
            gold = set(turn.get("gold") or [])
            ok = _kind(reply) == expect
            if ok and expect == "answer" and gold:
                ok = bool(reply.sources) and reply.sources[0].doc_id in gold
            turns += 1
            correct += ok
            by_expect[expect][0] += ok
            by_expect[expect][1] += 1
            if not ok:
                got = reply.sources[0].doc_id if reply.sources else ""
                failures.append({"id": str(d.get("id")), "q": str(turn["q"]), "expect": expect,
                                 "got": f"{reply.kind} {got}".strip()})
    return {"file": str(path), "dialogues": len(dialogues), "turns": turns,
            "correct": round(correct / max(1, turns), 4),
            "by_expect": {k: round(v[0] / max(1, v[1]), 4) for k, v in sorted(by_expect.items())},
            "failures": failures[:30]}
