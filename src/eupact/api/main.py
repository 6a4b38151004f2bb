"""The ASGI app uvicorn serves: the service on the database named by EUPACT_DATABASE_URL."""

from __future__ import annotations

from eupact.api.app import create_app
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions

app = create_app(CycleService(sessions(make_engine())))
