"""The message runtime: inbox processing, outbox delivery, periodic jobs and the background side of a
serving process, shared by `binhdan serve`, `binhdan worker`, the web chat and the console."""
