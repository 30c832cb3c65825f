"""Privacy: personal-data redaction before anything is stored (`redaction`), and the citizen's rights to
see and erase their data, /dulieu and /xoa (`rights`). `ports` are what it needs."""
