"""The language-model adapter (answer.mode: llm): LangChain prompts and an OpenAI-compatible chat model.

Imported only by the composition root, and only in llm mode: `import bot.llm` alone loads nothing heavy.
"""
