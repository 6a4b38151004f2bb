"""The web dashboard: server-rendered pages over the cycle service (FastAPI + Jinja2)."""
