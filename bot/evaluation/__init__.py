"""Evaluation drivers behind `binhdan eval`: `domain` runs the project and two baselines over a labelled
question file (calibration, ECE, per-topic figures); `dialogues` runs the ambiguous slice and multi-turn
dialogues through the real ConversationService. The pure metrics are in bot/core/evaluation.py."""
