"""Learning in the chat (issue 6): the curriculum, the learner profile, lessons (cards → quiz → practice),
spaced review, progress as xAPI-style statements, certificates, reminders, and coverage against the
province's targets. `service.LearningService` is what the conversation calls; `ports` are what it needs."""
