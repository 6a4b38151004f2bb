"""What every answer of the app carries and what limits guessing: security headers and a limit
on failed authentications.

Headers (:class:`SecurityHeaders`, on every response of the dashboard and the API, errors
included): a Content-Security-Policy without inline script (the pages' scripts are files under
``/static``; the charts' specifications are JSON data blocks, not scripts), ``frame-ancestors
'none'`` and ``X-Frame-Options: DENY`` (no page can be framed to trick a click),
``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin``.

The OpenAPI pages (``/docs``, ``/redoc``) are FastAPI's: they load Swagger UI or ReDoc from a CDN
and start it with an inline script. They get a policy of their own that admits exactly the
scripts and stylesheets their HTML names and their inline scripts by hash (computed from the
page served, so it follows FastAPI's HTML), and styles inline (ReDoc writes them at run time).
Nothing else is relaxed for them; they hold no form and read no cookie. Without network access
(as on the development machine) the CDN cannot be reached and the pages stay blank either way:
``/openapi.json`` is the API's description that always works.

Failed authentications (:class:`FailureLimiter`): after ``limit`` failed sign-ins or refused API
tokens from one client address within ``window`` seconds, that address is answered 429 with
``Retry-After`` until the oldest of those failures is ``window`` seconds old. IPv6 clients are
counted by /64 network (one subscriber's share). The limiter is per server process: with N
uvicorn workers an address gets up to N × ``limit`` tries per window. That is deliberate: a
count kept in the database would turn every refused request into a write (an attacker could
then load the database by failing), and tokens are 256-bit random, so even N × 10 guesses a
minute find none. Memory is bounded: at most ``max_clients`` addresses are tracked, the least
recently failing one forgotten first.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import re
import threading
import time
from base64 import b64encode
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eupact.errors import EupactError, Problem

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)
# JSON, CSV, PDF, scripts, styles: nothing in them may load or run anything
RESOURCE_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
_SCRIPT_SRC = re.compile(rb"<script[^>]*\ssrc=\"(https://[^\"]+)\"")
_LINK = re.compile(rb"<link([^>]*)>")
_HREF = re.compile(rb"\shref=\"(https://[^\"]+)\"")
# what a CSP source may name: a scheme, a host and a path (a query is ignored by browsers, and
# a space, a quote, a comma or a semicolon would end the source or the directive)
_SOURCE = re.compile(r"https://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~%@+/-]*)?")


def _sources(urls: Iterable[bytes]) -> list[str]:
    found = (_SOURCE.match(u.decode("ascii", "replace").split("?")[0]) for u in urls)
    return sorted({m.group(0) for m in found if m is not None})


def docs_policy(html: bytes) -> str:
    """The policy of a FastAPI documentation page: the CDN files it names, its inline scripts
    by hash, styles inline."""
    scripts = _sources(_SCRIPT_SRC.findall(html))
    links = [(a, _HREF.search(a)) for a in _LINK.findall(html)]
    styles = _sources(h.group(1) for a, h in links if h is not None and b"stylesheet" in a)
    images = _sources(h.group(1) for a, h in links if h is not None and b"stylesheet" not in a)
    hashes = sorted(
        {
            f"'sha256-{b64encode(hashlib.sha256(s).digest()).decode()}'"
            for s in _INLINE_SCRIPT.findall(html)
        }
    )
    fonts = " https://fonts.gstatic.com" if any("fonts.googleapis.com" in u for u in styles) else ""
    script_src = " ".join([*scripts, *hashes]) or "'none'"
    style_src = " ".join([*styles, "'unsafe-inline'"])
    img_src = " ".join(["'self'", "data:", *images])
    return (
        f"default-src 'none'; script-src {script_src}; "
        f"style-src {style_src}; img-src {img_src}; "
        f"font-src 'self'{fonts}; connect-src 'self'; worker-src blob:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


class SecurityHeaders:
    """Pure ASGI middleware: adds the security headers to every HTTP response (a handler's own
    Content-Security-Policy is kept)."""

    def __init__(self, app: ASGIApp, docs_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.docs_paths = frozenset(p for p in docs_paths if p)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path") in self.docs_paths:
            await self._docs(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _secured(list(message.get("headers", [])), None)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        # the policy depends on the page's HTML (a few KB): held back until the body is complete
        start: Message | None = None
        body: list[bytes] = []

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] == "http.response.body" and start is not None:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                html = b"".join(body)
                headers = list(start.get("headers", []))
                html_page = any(
                    k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers
                )
                policy = docs_policy(html) if html_page else None
                await send({**start, "headers": _secured(headers, policy)})
                await send({"type": "http.response.body", "body": html})
                return
            await send(message)

        await self.app(scope, receive, hold)


def _secured(headers: list[tuple[bytes, bytes]], policy: str | None) -> list[tuple[bytes, bytes]]:
    names = {k.lower() for k, _ in headers}
    if b"content-security-policy" not in names:
        if policy is None:
            html = any(
                k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers
            )
            policy = PAGE_POLICY if html else RESOURCE_POLICY
        headers.append((b"content-security-policy", policy.encode()))
    headers.extend((k, v) for k, v in HEADERS if k not in names)
    return headers


# -- forms and cookies ------------------------------------------------------------------------------


def from_another_site(headers: Mapping[str, str]) -> bool:
    """Whether the browser says another site's page made the request (Sec-Fetch-Site): such a
    form is refused before anything is read, beside the forms' CSRF values (defence in depth;
    a client that sends no such header is judged by the CSRF value alone)."""
    return headers.get("sec-fetch-site", "") in ("cross-site", "same-site")


def same_secret(sent: str, expected: str) -> bool:
    """Constant-time comparison: the time taken tells nothing of how much of a secret matched."""
    return hmac.compare_digest(
        sent.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def private_cookie(
    response: Response, name: str, value: str, max_age: int, path: str, https: bool
) -> None:
    """A cookie no script can read and no other site's request carries (Secure over HTTPS:
    over plain HTTP a Secure cookie would never come back)."""
    response.set_cookie(
        name, value, max_age=max_age, path=path, httponly=True, samesite="strict", secure=https
    )


def forget_cookie(response: Response, name: str, path: str, https: bool) -> None:
    response.delete_cookie(name, path=path, httponly=True, samesite="strict", secure=https)


# -- failed authentications ------------------------------------------------------------------------


class TooManyRequests(EupactError):
    """Too many failed authentications from one address: answered 429 with ``Retry-After``."""

    http_status = 429

    def __init__(self, problems: list[Problem], summary: str, retry_after: int) -> None:
        super().__init__(problems, summary)
        self.retry_after = retry_after


def client_key(address: str) -> str:
    """Whom a failure is counted against: the IPv4 address, or the IPv6 address's /64 network
    (a subscriber usually holds a whole /64, so one address each would not limit anyone)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]  # not an IP address (a test client, a Unix socket)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class FailureLimiter:
    """Counts failed authentications per client address; refuses an address that failed
    ``limit`` times within ``window`` seconds. Thread-safe; at most ``max_clients`` addresses
    are tracked (each with at most ``limit`` times), so no client can grow it without bound.
    ``clock`` gives seconds (monotonic; tests inject their own)."""

    def __init__(
        self,
        limit: int = 10,
        window: float = 60.0,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or window <= 0 or max_clients < 1:
            raise ValueError(
                f"limit={limit}, window={window}, max_clients={max_clients}: all must be positive"
            )
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self.clock = clock
        self._failures: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._failures)

    def retry_after(self, client: str) -> int | None:
        """Seconds until ``client`` may try again; None if it may now."""
        key = client_key(client)
        now = self.clock()
        with self._lock:
            times = self._failures.get(key)
            if times is None:
                return None
            recent = [t for t in times if t > now - self.window]
            if not recent:
                del self._failures[key]
                return None
            self._failures[key] = recent
            if len(recent) < self.limit:
                return None
            return max(1, math.ceil(recent[0] + self.window - now))

    def check(self, client: str) -> None:
        """Refuse (:class:`TooManyRequests`) a client that failed too often; call it before
        looking at what the client sent."""
        wait = self.retry_after(client)
        if wait is not None:
            raise TooManyRequests(
                [
                    Problem(
                        "client",
                        client_key(client),
                        f"{self.limit} failed sign-ins or tokens from this address within "
                        f"{self.window:g} seconds; try again in {wait} seconds",
                    )
                ],
                "too many failed attempts",
                wait,
            )

    def record_failure(self, client: str) -> None:
        """Count a failed sign-in or a refused token of ``client``."""
        key = client_key(client)
        now = self.clock()
        with self._lock:
            times = [t for t in self._failures.pop(key, []) if t > now - self.window]
            times.append(now)
            self._failures[key] = times[-self.limit :]
            while len(self._failures) > self.max_clients:
                self._failures.popitem(last=False)


def failed_auth_limiter(app: Any) -> FailureLimiter | None:
    """The app's limiter of failed authentications (None if :func:`install_security` was not
    called)."""
    limiter: FailureLimiter | None = getattr(app.state, "auth_limiter", None)
    return limiter


def client_address(scope_or_request: Any) -> str:
    """The client's address as the server saw it (behind a proxy, uvicorn's
    ``--forwarded-allow-ips`` decides whether X-Forwarded-For is believed)."""
    client = getattr(scope_or_request, "client", None)
    return client.host if client is not None else "-"


def install_security(app: Any, limiter: FailureLimiter | None = None) -> FailureLimiter:
    """Add the security headers to every response of ``app`` and give it a limiter of failed
    authentications (``app.state.auth_limiter``; the sign-in form and the API's token check
    share it, so that neither doubles an attacker's guesses)."""
    chosen = limiter or FailureLimiter()
    app.state.auth_limiter = chosen
    docs = (
        getattr(app, "docs_url", None),
        getattr(app, "redoc_url", None),
        getattr(app, "swagger_ui_oauth2_redirect_url", None),
    )
    build = app.build_middleware_stack

    def build_secured() -> ASGIApp:
        # Outside Starlette's ServerErrorMiddleware, which answers a crash itself: a middleware
        # added with add_middleware would not see that answer.
        return SecurityHeaders(build(), [d for d in docs if d])

    app.build_middleware_stack = build_secured
    return chosen


__all__ = [
    "HEADERS",
    "PAGE_POLICY",
    "RESOURCE_POLICY",
    "FailureLimiter",
    "SecurityHeaders",
    "TooManyRequests",
    "client_address",
    "client_key",
    "docs_policy",
    "failed_auth_limiter",
    "forget_cookie",
    "from_another_site",
    "install_security",
    "private_cookie",
    "same_secret",
]
