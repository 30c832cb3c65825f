"""`python -m bot.cli …`: the same as the `binhdan` console script."""

from bot.cli import main

main()
