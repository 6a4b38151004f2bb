"""An HTTP client for Eurostat's dissemination API (statistics 1.0, JSON-stat 2.0).

``EurostatClient.fetch("demo_pjan", {"age": "TOTAL", "sex": "T"}, geo=["DE", "FR"],
time="2024")`` asks ``.../data/demo_pjan?format=JSON&lang=EN&age=TOTAL&geo=DE&geo=FR&sex=T&time=2024``,
decodes the answer and returns it with its provenance.

Why one file: a request, its time budget, the reading of its failure, its retries and its
cache entry are one transaction; split, each part would need the others' state.

- A :class:`Budget` of time on every request and on the whole run: a host not yet heard from
  that cannot be reached (DNS failure, connection refused, TLS failure, no answer within
  seconds) ends the run at once with a :class:`NetworkFailure` naming the host and the cause,
  never after minutes of retries. Once the host has answered, HTTP 429, 5xx and network errors
  are retried with exponential back-off, honouring ``Retry-After``, for at most
  ``max_attempts`` attempts and within the run's total time. The sleep function is injectable,
  so tests run without waiting.
- A 4xx answer is an :class:`~eupact.errors.EupactError` naming the dataset, the filter and
  Eurostat's own label (``{"error": [{"status": 400, "id": 150, "label": "..."}]}``).
- A truncated or otherwise invalid body is an error, and is never cached.
- Codes asked for but absent from the answer (Eurostat answers an unknown ``geo`` with HTTP
  200 and an empty category) are an error naming the dimension and the codes.
- An on-disk cache keyed by dataset + language + normalised filter keeps the body and its
  metadata (Eurostat's ``updated``, retrieval time, URL, SHA-256). ``offline=True`` reads only
  the cache and says clearly when an entry is missing.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import errno
import hashlib
import json
import os
import re
import socket
import ssl
import threading
import time as _time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from eupact.data.eurostat.jsonstat import JsonStatTable, decode, error_entries, parse_body
from eupact.errors import EupactError, Problem, fail

BASE_URL = "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data"
USER_AGENT = "eupact/0.1 (EU Pact on Migration and Asylum, annual cycle)"

#: Query parameters that are not dimensions; their canonical spelling.
SPECIAL_PARAMETERS: Mapping[str, str] = {
    "sincetimeperiod": "sinceTimePeriod",
    "untiltimeperiod": "untilTimePeriod",
    "lasttimeperiod": "lastTimePeriod",
    "geolevel": "geoLevel",
}
_RESERVED = {"format", "lang"}
_DATASET = re.compile(r"^[A-Za-z0-9_\-$]+$")
_CODE = re.compile(r"^[A-Za-z0-9_\-.:+$ ]+$")

#: A normalised filter: sorted (dimension, codes) pairs; codes sorted and unique.
Filter = tuple[tuple[str, tuple[str, ...]], ...]
FilterInput = Mapping[str, str | int | Iterable[str | int]]


@dataclass(frozen=True, slots=True)
class Budget:
    """How long a run may wait on the network, in seconds.

    ``connect`` bounds opening a connection; ``first_answer`` the wait for a host not yet heard
    from in this run (an unreachable or hung service shows here, and the run stops rather than
    trying every dataset); ``read`` the wait between bytes once the host has answered; ``total``
    every request, retry and back-off of the run together (None: no limit).
    """

    connect: float = 3.0
    first_answer: float = 5.0
    read: float = 60.0
    total: float | None = 600.0


@dataclass
class NetworkFailure(EupactError):
    """Eurostat could not be reached. ``kind``: dns, refused, timeout, tls, unreachable, network
    (the connection failed or broke), http (5xx or 429 to the end) or budget (the run's time is
    spent). ``fatal``: other requests would fail the same way, so a run stops at once."""

    kind: str = "network"
    host: str = ""
    fatal: bool = True

    http_status = 503


class NotCached(EupactError):
    """Offline, and the response asked for is not in the cache."""


class _Overrun(Exception):
    """A request still running when its hard time limit passed."""


_KIND_WORDS = {
    "dns": "DNS failure",
    "refused": "connection refused",
    "timeout": "timeout",
    "tls": "TLS failure",
    "unreachable": "network unreachable",
    "network": "network error",
    "budget": "time budget spent",
}
_DNS_TEXT = ("name or service not known", "nodename nor servname", "name resolution", "getaddrinfo")


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def classify(
    exc: httpx.TransportError, host: str, port: int, budget: Budget, read: float
) -> tuple[str, str]:
    """What went wrong with a request, in plain words: (kind, explanation naming the host)."""
    if isinstance(exc, httpx.ConnectTimeout):
        return "timeout", (
            f"no connection to {host} port {port} within {budget.connect:g} s (connect "
            "timeout): the host does not answer, or a firewall drops the packets"
        )
    if isinstance(exc, httpx.TimeoutException):
        return "timeout", (
            f"{host} accepted the connection but sent no answer within {read:g} s (read timeout)"
        )
    chain = list(_chain(exc))
    text = " | ".join(str(c) for c in chain).lower()
    gai = next((c for c in chain if isinstance(c, socket.gaierror)), None)
    if gai is not None or any(w in text for w in _DNS_TEXT):
        detail = f" ({gai.strerror})" if gai is not None and gai.strerror else ""
        return "dns", (
            f"DNS failure: the name {host} cannot be resolved{detail}; check the network "
            "connection, the DNS or proxy settings, or the address"
        )
    if any(isinstance(c, ConnectionRefusedError) for c in chain) or "refused" in text:
        return "refused", (
            f"connection refused: nothing accepts connections at {host} port {port} (the "
            "service is down, or a firewall or proxy rejects the connection)"
        )
    tls = next((c for c in chain if isinstance(c, ssl.SSLError)), None)
    if tls is not None or "certificate" in text or "ssl" in text:
        return "tls", (
            f"TLS failure: no secure connection to {host} ({tls or exc}); an intercepting "
            "proxy, or out-of-date certificates?"
        )
    unreachable = (errno.ENETUNREACH, errno.EHOSTUNREACH)
    if any(isinstance(c, OSError) and c.errno in unreachable for c in chain):
        return "unreachable", f"network unreachable: no route to {host} (no network connection?)"
    if isinstance(exc, httpx.ConnectError):
        return "network", f"cannot connect to {host} port {port} ({exc})"
    return "network", f"the connection to {host} broke ({type(exc).__name__}: {exc})"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def default_cache_dir() -> Path:
    """``$EUPACT_CACHE_DIR``, else ``$XDG_CACHE_HOME/eupact/eurostat`` (``~/.cache`` default)."""
    env = os.environ.get("EUPACT_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eupact" / "eurostat"


def normalise_filters(filters: FilterInput | None = None, **named: Any) -> Filter:
    """Canonical form of a filter, used in URLs and cache keys.

    Dimension names are lower-cased (``sinceTimePeriod`` and the other special parameters
    keep their spelling), codes are stripped, upper-cased (Eurostat codes are
    case-insensitive) except for special parameters, de-duplicated and sorted. Keyword
    arguments whose value is None are ignored, so ``geo=None`` means "no geo filter".
    """
    merged: dict[str, tuple[str, ...]] = {}
    problems: list[Problem] = []
    items = list((filters or {}).items()) + [(k, v) for k, v in named.items() if v is not None]
    for raw_key, raw_value in items:
        key = str(raw_key).strip()
        special = SPECIAL_PARAMETERS.get(key.lower())
        name = special or key.lower()
        if not name or name in _RESERVED:
            problems.append(
                Problem("filter", key, "is not a dimension (format and lang are set by the client)")
            )
            continue
        values = [raw_value] if isinstance(raw_value, str | int) else list(raw_value)
        codes = []
        for v in values:
            code = str(v).strip()
            if not code or not _CODE.match(code):
                problems.append(Problem(f"filter {name}", v, "must be a non-empty Eurostat code"))
                continue
            codes.append(code if special else code.upper())
        if not codes:
            problems.append(Problem(f"filter {name}", raw_value, "has no code"))
            continue
        if name in merged and set(merged[name]) != set(codes):
            problems.append(
                Problem(
                    f"filter {name}",
                    codes,
                    f"given twice with different codes ({list(merged[name])})",
                )
            )
            continue
        merged[name] = tuple(sorted(set(codes)))
    if problems:
        raise EupactError(problems, "invalid Eurostat filter")
    return tuple(sorted(merged.items()))


def filter_text(filters: Filter) -> str:
    """``geo=DE+FR&time=2024``: a filter as one readable string."""
    return "&".join(f"{k}={'+'.join(v)}" for k, v in filters) or "(no filter)"


def _check_dataset(dataset: str) -> str:
    code = dataset.strip()
    if not code or not _DATASET.match(code):
        raise fail("dataset", dataset, "must be a Eurostat dataset code such as 'demo_pjan'")
    return code.lower()


@dataclass(frozen=True, slots=True)
class Retrieval:
    """Where a decoded response came from: the provenance of every figure in it."""

    dataset: str
    filters: Filter
    url: str
    updated: str  # Eurostat's last update of the dataset (its "updated" field)
    retrieved: str  # when eupact fetched it, ISO 8601 UTC
    lang: str
    label: str  # the dataset's title, as Eurostat gives it
    from_cache: bool
    sha256: str

    @property
    def filter(self) -> str:
        return filter_text(self.filters)

    def as_dict(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "filter": self.filter,
            "filters": {k: list(v) for k, v in self.filters},
            "url": self.url,
            "updated": self.updated,
            "retrieved": self.retrieved,
            "lang": self.lang,
            "label": self.label,
            "from_cache": self.from_cache,
            "sha256": self.sha256,
        }

    def cite(self) -> str:
        return (
            f"Eurostat {self.dataset} ({self.filter}), updated {self.updated or 'unknown'}, "
            f"retrieved {self.retrieved}"
        )


@dataclass(frozen=True, eq=False)
class EurostatResult:
    """A decoded response and its provenance; ``table.flags`` holds the per-value flags."""

    table: JsonStatTable
    provenance: Retrieval


@dataclass(frozen=True, slots=True)
class CacheEntry:
    body: bytes
    meta: dict[str, Any]


class EurostatCache:
    """Responses on disk: ``ROOT/<dataset>/<key>.json`` and ``<key>.meta.json``.

    The key is a hash of dataset, language and normalised filter; the metadata file repeats
    them in clear with the URL, Eurostat's ``updated``, the retrieval time and the body's
    SHA-256, which is checked on every read.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @staticmethod
    def key(dataset: str, filters: Filter, lang: str) -> str:
        canonical = json.dumps(
            {
                "dataset": dataset,
                "lang": lang.upper(),
                "filters": [[k, list(v)] for k, v in filters],
            },
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode()).hexdigest()[:24]

    def paths(self, dataset: str, filters: Filter, lang: str) -> tuple[Path, Path]:
        stem = self.root / dataset / self.key(dataset, filters, lang)
        return stem.with_suffix(".json"), stem.with_suffix(".meta.json")

    def load(self, dataset: str, filters: Filter, lang: str) -> CacheEntry | None:
        body_path, meta_path = self.paths(dataset, filters, lang)
        if not body_path.exists() or not meta_path.exists():
            return None
        try:
            body = body_path.read_bytes()
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise fail(
                "cache entry",
                str(meta_path),
                f"cannot be read ({exc}); delete it or refresh",
                summary="Eurostat cache is damaged",
            ) from exc
        if not isinstance(meta, dict) or hashlib.sha256(body).hexdigest() != meta.get("sha256"):
            raise fail(
                "cache entry",
                str(body_path),
                "its SHA-256 differs from the one recorded when it was stored; delete it or refresh",
                summary="Eurostat cache is damaged",
            )
        return CacheEntry(body, meta)

    def store(
        self, dataset: str, filters: Filter, lang: str, body: bytes, meta: dict[str, Any]
    ) -> None:
        body_path, meta_path = self.paths(dataset, filters, lang)
        body_path.parent.mkdir(parents=True, exist_ok=True)
        for path, data in ((body_path, body), (meta_path, json.dumps(meta, indent=2).encode())):
            tmp = path.with_name(path.name + f".tmp{os.getpid()}")
            tmp.write_bytes(data)
            os.replace(tmp, path)

    def entries(self) -> list[dict[str, Any]]:
        """The metadata of every cached response (for ``eupact data show``)."""
        out = []
        for meta_path in sorted(self.root.glob("*/*.meta.json")):
            try:
                out.append(json.loads(meta_path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
        return out


def _retry_after(header: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


class EurostatClient:
    """Fetches, decodes and caches Eurostat datasets. Use as a context manager or close()."""

    def __init__(
        self,
        cache_dir: str | Path | None = None,
        *,
        use_cache: bool = True,
        offline: bool = False,
        base_url: str = BASE_URL,
        lang: str = "EN",
        timeout: float = 60.0,
        max_attempts: int = 5,
        backoff_base: float = 1.0,
        backoff_max: float = 120.0,
        sleep: Callable[[float], None] = _time.sleep,
        clock: Callable[[], dt.datetime] = _utc_now,
        transport: httpx.BaseTransport | None = None,
        budget: Budget | None = None,
    ) -> None:
        if max_attempts < 1:
            raise fail("max_attempts", max_attempts, "must be at least 1")
        if lang.upper() not in {"EN", "FR", "DE"}:
            raise fail("lang", lang, "Eurostat answers in EN, FR or DE")
        self.cache = EurostatCache(cache_dir or default_cache_dir()) if use_cache else None
        self.offline = offline
        self.base_url = base_url.rstrip("/")
        self.lang = lang.upper()
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._sleep = sleep
        self._clock = clock
        self.budget = budget or Budget(read=timeout)
        self._deadline: float | None = None  # set by the first request of the run
        self._answered: set[str] = set()  # hosts that have answered in this run
        self._http = httpx.Client(
            timeout=httpx.Timeout(self.budget.read, connect=self.budget.connect),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,
            transport=transport,
        )

    def __enter__(self) -> EurostatClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def url(self, dataset: str, filters: Filter) -> str:
        """The request URL for a dataset and a normalised filter."""
        params: list[tuple[str, str]] = [("format", "JSON"), ("lang", self.lang)]
        params += [(k, code) for k, codes in filters for code in codes]
        return str(httpx.URL(f"{self.base_url}/{dataset}", params=params))

    def fetch(
        self,
        dataset: str,
        filters: FilterInput | None = None,
        *,
        geo: str | Iterable[str] | None = None,
        time: str | int | Iterable[str | int] | None = None,
        unit: str | Iterable[str] | None = None,
        refresh: bool = False,
        offline: bool | None = None,
        check_codes: bool = True,
    ) -> EurostatResult:
        """Fetch ``dataset`` with ``filters`` (any dimension; geo, time, unit as keywords).

        A cached response is used unless ``refresh``; ``offline`` (default: the client's)
        uses only the cache. Every code asked for must come back in the response
        (``check_codes``), so an unknown geo or a period without data is an error.
        """
        code = _check_dataset(dataset)
        normalised = normalise_filters(filters, geo=geo, time=time, unit=unit)
        url = self.url(code, normalised)
        offline = self.offline if offline is None else offline
        if offline or not refresh:
            cached = self.cache.load(code, normalised, self.lang) if self.cache else None
            if cached is not None:
                return self._result(
                    code, normalised, cached.body, cached.meta, url, True, check_codes
                )
        if offline:
            where = str(self.cache.root) if self.cache else "(cache disabled)"
            raise NotCached(
                [
                    Problem(
                        "cache",
                        f"{code} {filter_text(normalised)}",
                        "offline mode: this response is not in the cache; run once online "
                        "(without offline) to fetch and cache it",
                        where,
                    )
                ],
                "Eurostat data not available offline",
            )
        response = self._get(code, normalised, url)
        body = response.content
        meta = {
            "dataset": code,
            "filters": [[k, list(v)] for k, v in normalised],
            "filter": filter_text(normalised),
            "lang": self.lang,
            "url": str(response.url),
            "retrieved": self._clock().astimezone(dt.UTC).isoformat(timespec="seconds"),
            "sha256": hashlib.sha256(body).hexdigest(),
            "bytes": len(body),
            "http_status": response.status_code,
        }
        result = self._result(code, normalised, body, meta, url, False, check_codes)
        meta["updated"] = result.provenance.updated
        meta["label"] = result.provenance.label
        if self.cache is not None:
            self.cache.store(code, normalised, self.lang, body, meta)
        return result

    def _result(
        self,
        dataset: str,
        filters: Filter,
        body: bytes,
        meta: Mapping[str, Any],
        url: str,
        from_cache: bool,
        check_codes: bool,
    ) -> EurostatResult:
        source = f"dataset {dataset} ({filter_text(filters)}) from " + (
            "the cache" if from_cache else url
        )
        doc = parse_body(body, source)
        if "value" not in doc and error_entries(doc):
            raise _api_error(dataset, filters, url, 200, body)
        # sparse: a small body announcing a huge cube must not allocate the whole cube; panels
        # place the cells by position and read an absent cell as "no figure"
        table = decode(doc, dataset=dataset, location=source, dense=False)
        if check_codes:
            _check_codes(table, filters, url)
        provenance = Retrieval(
            dataset=dataset,
            filters=filters,
            url=str(meta.get("url", url)),
            updated=table.updated,
            retrieved=str(meta.get("retrieved", "")),
            lang=str(meta.get("lang", self.lang)),
            label=table.label,
            from_cache=from_cache,
            sha256=str(meta.get("sha256", hashlib.sha256(body).hexdigest())),
        )
        return EurostatResult(table, provenance)

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        backoff = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        asked = _retry_after(retry_after, self._clock())
        return backoff if asked is None else min(self.backoff_max, max(asked, 0.0))

    def _time_left(self) -> float | None:
        """Seconds left of the run's total budget (None: no limit); the run starts now if not yet."""
        if self.budget.total is None:
            return None
        if self._deadline is None:
            self._deadline = _time.monotonic() + self.budget.total
        return self._deadline - _time.monotonic()

    @staticmethod
    def _bounded(call: Callable[[], httpx.Response], limit: float) -> httpx.Response:
        """``call()`` with a hard limit on its duration, the name lookup included (httpx's
        timeouts do not cover DNS). A request still running is left to a daemon thread."""
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["response"] = call()
            except BaseException as exc:  # handed to the caller's thread
                box["error"] = exc

        worker = threading.Thread(target=run, name="eupact-eurostat", daemon=True)
        worker.start()
        worker.join(limit)
        if worker.is_alive():
            raise _Overrun
        if "error" in box:
            raise box["error"]
        response: httpx.Response = box["response"]
        return response

    def _get(self, dataset: str, filters: Filter, url: str) -> httpx.Response:
        target = httpx.URL(url)
        host = target.host
        port = target.port or (443 if target.scheme == "https" else 80)
        where = f"dataset {dataset}, filter {filter_text(filters)} ({url})"
        last, kind = "", "http"
        for attempt in range(1, self.max_attempts + 1):
            heard = host in self._answered
            left = self._time_left()
            if left is not None and left <= 0:
                raise self._failure("budget", host, self._spent(last), where)
            read = self.budget.read if heard else self.budget.first_answer
            cap = (
                self.budget.connect + read
                if left is None
                else min(self.budget.connect + read, left)
            )
            timeout = httpx.Timeout(min(read, cap), connect=min(self.budget.connect, cap))
            retry_after = None
            try:
                response = self._bounded(partial(self._http.get, url, timeout=timeout), cap)
            except _Overrun:
                text = (
                    f"no answer from {host} within {cap:g} s (the name lookup, the connection "
                    "or the answer took too long)"
                )
                raise self._failure("timeout", host, text, where) from None
            except httpx.TransportError as exc:
                kind, last = classify(exc, host, port, self.budget, read)
                if not heard:  # the first contact failed: every other request would too
                    raise self._failure(kind, host, last, where) from None
            else:
                self._answered.add(host)
                status = response.status_code
                if status == 429 or status >= 500:
                    kind, last = "http", f"HTTP {status}" + _label_suffix(response.content)
                    retry_after = response.headers.get("Retry-After")
                elif status >= 400:
                    raise _api_error(dataset, filters, url, status, response.content)
                else:
                    return response
            if attempt < self.max_attempts:
                delay = self._delay(attempt, retry_after)
                left = self._time_left()
                if left is not None and delay >= left:
                    raise self._failure("budget", host, self._spent(last), where)
                self._sleep(delay)
        text = f"Eurostat did not answer after {self.max_attempts} attempt(s): last {last}"
        # A server that answers with errors fails one dataset; a lost network fails them all.
        raise self._failure(kind, host, text, where, fatal=kind not in {"http", "timeout"})

    def _spent(self, last: str) -> str:
        return f"the run's time budget of {self.budget.total:g} s is spent" + (
            f" (last: {last})" if last else ""
        )

    @staticmethod
    def _failure(kind: str, host: str, text: str, where: str, fatal: bool = True) -> NetworkFailure:
        return NetworkFailure(
            [Problem("host", host, text, where)],
            f"Eurostat at {host} kept answering with errors"
            if kind == "http"
            else f"cannot reach Eurostat at {host}: {_KIND_WORDS.get(kind, kind)}",
            kind,
            host,
            fatal,
        )


def _label_suffix(body: bytes) -> str:
    try:
        doc = json.loads(body)
    except ValueError:
        return ""
    labels = [label for _, _, label in error_entries(doc)] if isinstance(doc, dict) else []
    return f": {'; '.join(labels)}" if labels else ""


def _api_error(dataset: str, filters: Filter, url: str, status: int, body: bytes) -> EupactError:
    """A refusal by Eurostat, with its own label(s)."""
    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    entries = error_entries(doc) if isinstance(doc, dict) else []
    if not entries:
        text = body[:200].decode("utf-8", errors="replace").strip()
        entries = [(status, None, text or "(no message)")]
    where = f"dataset {dataset}, filter {filter_text(filters)} ({url})"
    problems = []
    for code, eid, label in entries:
        shown = code if code is not None else status
        rule = f"Eurostat answered HTTP {status}" + (
            f" (status {shown}, error {eid})" if eid is not None else ""
        )
        hint = ""
        if "ASYNCHRONOUS" in label.upper() or shown == 413:
            hint = " — the extraction is too large for a synchronous answer; narrow the filter"
        if status == 404 or shown == 404:
            field, value = "dataset", dataset
        else:
            field, value = "filter", filter_text(filters)
        problems.append(Problem(field, value, f"{rule}: {label}{hint}", where))
    return EupactError(problems, f"Eurostat refused the request for dataset {dataset}")


def _check_codes(table: JsonStatTable, filters: Filter, url: str) -> None:
    problems: list[Problem] = []
    dims = {d.id: d for d in table.dimensions}
    for name, codes in filters:
        if name in SPECIAL_PARAMETERS.values():
            continue
        dimension = dims.get(name)
        if dimension is None:
            problems.append(
                Problem(
                    "filter",
                    name,
                    f"is not a dimension of {table.dataset}; its dimensions are {', '.join(dims)}",
                    url,
                )
            )
            continue
        absent = [c for c in codes if dimension.position(c) is None]
        if absent:
            present = ", ".join(dimension.codes) or "none"
            problems.append(
                Problem(
                    name,
                    ", ".join(absent),
                    f"not in Eurostat's answer for {table.dataset}: an unknown code, or no "
                    f"data published for it (codes returned: {present})",
                    url,
                )
            )
    if problems:
        raise EupactError(
            problems, f"Eurostat returned no data for part of the filter on {table.dataset}"
        )
