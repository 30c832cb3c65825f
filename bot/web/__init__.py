"""The HTTP edge: FastAPI app factory, routes per feature, the web chat page."""
