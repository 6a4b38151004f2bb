"""A party calling the service's API with its token: what the runnable examples in ``examples/``
use to play each Member State and institution (one place, so every example retries safely with an
Idempotency-Key and stops with a sentence when the server is not there or answers otherwise)."""

from __future__ import annotations

import sys
import uuid
from typing import Any, NoReturn

import httpx

V1 = "/api/v1"


def no_server(base_url: str, exc: Exception) -> NoReturn:
    sys.exit(
        f"no eupact server answers at {base_url} ({exc}); start one with "
        "`eupact serve --database-url URL` and pass the same URL here"
    )


class Caller:
    """A Member State's unit or an institution calling the API with its bearer token; every
    write carries a fresh Idempotency-Key; an answer other than ``expect`` ends the run."""

    def __init__(self, http: httpx.Client, token: str, who: str) -> None:
        self.http, self.token, self.who = http, token, who

    def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        """The JSON answer, or the text of any other (a calendar, a CSV)."""
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        if method != "GET":
            headers.setdefault("Idempotency-Key", str(uuid.uuid4()))
        try:
            r = self.http.request(method, f"{V1}{path}", headers=headers, **kwargs)
        except httpx.TransportError as exc:
            no_server(str(self.http.base_url), exc)
        if r.status_code != expect:
            sys.exit(
                f"{self.who} {method} {path}: expected {expect}, got {r.status_code}: {r.text}"
            )
        return r.json() if "json" in r.headers.get("content-type", "") else r.text


__all__ = ["V1", "Caller", "no_server"]
