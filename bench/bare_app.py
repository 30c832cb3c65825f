"""The reference for bench/webhook_ack.py: a bare FastAPI endpoint that stores the raw body with one
INSERT (SQLAlchemy Core, same driver, pool and thread hop as binhdan) and answers 200.

    uvicorn bare_app:app --app-dir bench      # BARE_DATABASE_URL=postgresql+psycopg://…
"""

from __future__ import annotations

import asyncio
import os

from fastapi import FastAPI, Request, Response
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text, create_engine, func

engine = create_engine(os.environ.get("BARE_DATABASE_URL", "sqlite:///var/bench/bare.db"), pool_pre_ping=True)
meta = MetaData()
inbox = Table("bare_inbox", meta, Column("id", Integer, primary_key=True, autoincrement=True),
              Column("body", Text, nullable=False), Column("received_at", DateTime(timezone=True),
                                                           server_default=func.now()))
meta.create_all(engine)
app = FastAPI()


def _insert(body: str) -> None:
    with engine.begin() as c:
        c.execute(inbox.insert().values(body=body))


@app.post("/hook")
async def hook(request: Request) -> Response:
    body = await request.body()
    await asyncio.to_thread(_insert, body.decode("utf-8", "replace"))
    return Response(status_code=200)


@app.get("/readyz")
async def ready() -> dict[str, str]:
    return {"status": "ready"}
