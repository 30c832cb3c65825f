"""The covered / not-covered threshold (issue 19, answers5): chosen among those refusing enough off-topic questions,
counting an off-topic refusal only when it is `margin` logits below the threshold (runtime noise), and maximising
either balanced accuracy or the in-domain share answered."""

from __future__ import annotations

import math

from bot.core.evaluation import choose_threshold


def _p(logit: float) -> float:
    return 1 / (1 + math.exp(-logit))


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


# 20 off-topic questions: 19 far below, one near a threshold of 0.9 (logit 2.197); 300 in-domain, 10 of them between
# 0.5 and 0.85 (balanced accuracy would rather refuse the near off-topic question than answer these ten)
OFF = [_p(-3.0)] * 19 + [_p(_logit(0.9) - 0.05)]
IN = [0.5 + i * 0.035 for i in range(10)] + [0.99] * 290
PROBS = OFF + IN
LABELS = [0] * len(OFF) + [1] * len(IN)
OFFTOPIC = [not y for y in LABELS]


def test_an_off_topic_question_just_under_the_threshold_does_not_count_as_refused_with_a_margin() -> None:
    t0 = choose_threshold(PROBS, LABELS, OFFTOPIC, min_offtopic_rejected=1.0)
    assert t0 == 0.9  # the lowest threshold refusing all twenty, 0.05 logits above the near one
    t = choose_threshold(PROBS, LABELS, OFFTOPIC, min_offtopic_rejected=1.0, margin=0.2)
    near = OFF[-1]
    assert _logit(t) - _logit(near) >= 0.2 and t > t0


def test_the_answered_objective_answers_more_in_domain_questions_within_the_refusal_floor() -> None:
    bal = choose_threshold(PROBS, LABELS, OFFTOPIC, min_offtopic_rejected=0.95, margin=0.2)
    ans = choose_threshold(PROBS, LABELS, OFFTOPIC, min_offtopic_rejected=0.95, margin=0.2, objective="answered")
    answered = lambda t: sum(p >= t for p, y in zip(PROBS, LABELS, strict=True) if y)  # noqa: E731
    assert answered(bal) == 290 and answered(ans) == 300
    # the floor holds: 19 of the 20 off-topic refused, each by the margin; the near one is answered, not left inside it
    assert sum(1 for p in OFF if _logit(p) < _logit(ans) - 0.2) == 19
    assert ans <= OFF[-1]
