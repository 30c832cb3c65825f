"""Answering a citizen's question: retrieval and calibration (`service.AnswerService`), the direct-answer
shaping and corrections, follow-up detection, grounded generation with a language model and its checks,
prompt-injection defences, and the unanswered-question triage for editors. `ports` are what it needs."""
