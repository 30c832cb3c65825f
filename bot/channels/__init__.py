"""Channel adapters: verify and parse what a messenger sends, render and send replies. One module each."""
