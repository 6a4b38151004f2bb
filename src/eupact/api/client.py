"""A party calling the service's API with its token: what the runnable examples in ``examples/``
use to play each Member State and institution (one place, so every example retries safely with an
Idempotency-Key and stops with a sentence when the server is not there or answers otherwise)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import httpx

if TYPE_CHECKING:
    from eupact.cycle.service import CycleService

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


def example_arguments(argv: list[str] | None, doc: str | None, name: str) -> tuple[str, str | None]:
    """An example's ``--database-url`` (else ``EUPACT_DATABASE_URL``, else a new SQLite file in
    a temporary directory) and ``--base-url`` (a running ``eupact serve`` on that database)."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="default: EUPACT_DATABASE_URL, else a new SQLite file in a temporary directory",
    )
    parser.add_argument(
        "--base-url",
        default=None,
        help="a running `eupact serve` on that database (default: the API in this process)",
    )
    args = parser.parse_args(argv)
    url = (
        args.database_url
        or os.environ.get("EUPACT_DATABASE_URL")
        or f"sqlite:///{Path(tempfile.mkdtemp(prefix=f'eupact-{name}-')) / f'{name}.db'}"
    )
    return url, args.base_url


@contextmanager
def api_client(service: CycleService, base_url: str | None) -> Iterator[httpx.Client]:
    """The API of a running server at ``base_url``, or of ``service`` in this process."""
    if base_url:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            yield http
        return
    from fastapi.testclient import TestClient

    from eupact.api.app import create_app

    with TestClient(create_app(service)) as client:
        yield client


__all__ = ["V1", "Caller", "api_client", "example_arguments", "no_server"]
