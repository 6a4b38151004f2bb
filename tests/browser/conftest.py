"""Browser tests: the dashboard served by ``eupact serve --demo``, driven by headless Chromium.

Two demo servers, each started when a test first needs it and stopped at the end of the pytest
process (of each xdist worker), each in its own temporary folder and on a free port: one stopped
in the pledging phase (before the Council act: the embargo of Art. 12(6) holds and pledges can be
entered) and one in implementation (the act is adopted, the outcome is published). Their cache
is $EUPACT_CACHE_DIR when set (CI sets it), else a folder of the run's temporary directory. Chromium is Debian's (``/usr/bin/chromium``, installed by ``.ci/run``);
Playwright only drives it (no ``playwright install``). Without it the tests are skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 900}
SESSION_COOKIE = "eupact_session"
START_TIMEOUT = 90.0


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist registers it; without xdist (-p no:xdist) the mark is only a label
    config.addinivalue_line("markers", "xdist_group(name): run in the same xdist worker")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _eupact_command() -> list[str]:
    script = Path(sys.executable).with_name("eupact")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from eupact.cli.main import main; main()"]


@dataclass
class DemoServer:
    """One ``eupact serve --demo`` process, its address and its actors' tokens."""

    until: str
    folder: Path
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"eupact serve --demo-until {self.until} exited with "
                    f"{self.process.returncode}:\n{self.log.read_text(errors='replace')}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError(
                f"eupact serve --demo-until {self.until} did not answer /healthz in "
                f"{timeout:.0f} s:\n{self.log.read_text(errors='replace')}"
            )
        listing = self.folder / "results" / "demo" / "tokens.txt"
        for line in listing.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                name, token = line.split("\t")
                self.tokens[name] = token

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _start(until: str, folder: Path, cache: Path) -> DemoServer:
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("EUPACT_CACHE_DIR", str(cache))
    env.pop("EUPACT_DATABASE_URL", None)
    log = folder / "server.log"
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*_eupact_command(), "serve", "--demo", "--demo-until", until, "--port", str(port)],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return DemoServer(until, folder, port, process, log)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (Debian's chromium package; .ci/run installs it)")
    pytest.importorskip("playwright.sync_api", reason="playwright (the dev extras) is missing")
    return CHROMIUM


@pytest.fixture(scope="session")
def eupact_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The servers' cache (snapshot, vega bundle, report PDF): shared by the xdist workers of
    one run, so the first server's work spares the others (writes there are atomic)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    return base / "eupact-cache"


def _serve(
    until: str, tmp_path_factory: pytest.TempPathFactory, cache: Path
) -> Iterator[DemoServer]:
    for attempt in (1, 2):  # a second try, should another process take the free port first
        server = _start(until, tmp_path_factory.mktemp(f"serve-{until}"), cache)
        try:
            server.wait()
            break
        except RuntimeError:
            server.stop()
            if attempt == 2:
                raise
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pledging(
    chromium_path: Path, tmp_path_factory: pytest.TempPathFactory, eupact_cache: Path
) -> Iterator[DemoServer]:
    """The demo cycle in the pledging phase: before the Council act (embargo, Art. 12(6))."""
    yield from _serve("pledging", tmp_path_factory, eupact_cache)


@pytest.fixture(scope="session")
def implementation(
    chromium_path: Path, tmp_path_factory: pytest.TempPathFactory, eupact_cache: Path
) -> Iterator[DemoServer]:
    """The demo cycle in implementation: the Council act is adopted, the outcome published."""
    yield from _serve("implementation", tmp_path_factory, eupact_cache)


@pytest.fixture(scope="session")
def _playwright(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    # Playwright's sync API marks its event loop as the thread's running loop between calls;
    # other tests of the same (xdist) process must not find it there (asyncio.run would refuse
    # to start), so it is only set while a browser test runs (see _browser_loop).
    loop = asyncio._get_running_loop()
    try:
        yield playwright, loop
    finally:
        asyncio._set_running_loop(loop)
        playwright.stop()
        asyncio._set_running_loop(None)


@pytest.fixture(scope="session")
def browser(_playwright: tuple[Any, Any], chromium_path: Path) -> Iterator[Any]:
    playwright, loop = _playwright
    asyncio._set_running_loop(loop)
    launched = playwright.chromium.launch(
        executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True
    )
    try:
        yield launched
    finally:
        asyncio._set_running_loop(loop)
        launched.close()


@pytest.fixture(autouse=True)
def _browser_loop(request: pytest.FixtureRequest) -> Iterator[None]:
    if "browser" not in request.fixturenames:
        yield
        return
    _, loop = request.getfixturevalue("_playwright")
    asyncio._set_running_loop(loop)
    try:
        yield
    finally:
        asyncio._set_running_loop(None)


def _sign_in(server: DemoServer, who: str) -> str:
    """A session of ``who`` opened through the sign-in form (the cookie holds a session id,
    never the token)."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        form = client.get("/signin").text.split('action="/signin"')[1]
        found = re.search(r'name="csrf" value="([^"]+)"', form)
        assert found, "the sign-in form has no CSRF value"
        data = {"token": server.tokens[who], "next": "", "csrf": found.group(1)}
        response = client.post("/signin", data=data)
        assert response.status_code == 303, response.text[-500:]
        return str(client.cookies[SESSION_COOKIE])


class Browsing:
    """New browser contexts (fresh cookies) signed in as an actor of a demo server."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.contexts: list[Any] = []
        self.console_errors: list[str] = []

    def context(self, server: DemoServer, who: str | None = None) -> Any:
        context = self.browser.new_context(
            viewport=VIEWPORT, locale="en-GB", accept_downloads=True, base_url=server.url
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        if who:
            session_id = _sign_in(server, who)
            context.add_cookies([{"name": SESSION_COOKIE, "value": session_id, "url": server.url}])
        return context

    def page(self, server: DemoServer, who: str | None = None) -> Any:
        page = self.context(server, who).new_page()
        page.on(
            "console",
            lambda msg: msg.type == "error" and self.console_errors.append(f"console: {msg.text}"),
        )
        page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser: Any) -> Iterator[Browsing]:
    session = Browsing(browser)
    try:
        yield session
    finally:
        session.close()


def number(text: str) -> float:
    """A figure as the English pages print it: '34,590,778.00' → 34590778.0."""
    cleaned = re.sub(r"[^\d.\-−]", "", text).replace("−", "-")
    return float(cleaned)


SCREENSHOTS_ENV = "EUPACT_SCREENSHOTS"
MAX_SHOT_HEIGHT = 4000  # px: the long tables (data sources) are cut, to keep the files small


@pytest.fixture
def screenshot(tmp_path: Path) -> Any:
    """Save a full-page PNG as a test artefact, and into $EUPACT_SCREENSHOTS when set."""

    def shoot(page: Any, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        height = min(int(page.evaluate("document.documentElement.scrollHeight")), MAX_SHOT_HEIGHT)
        page.screenshot(
            path=str(path),
            full_page=True,
            animations="disabled",
            clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height},
        )
        target = os.environ.get(SCREENSHOTS_ENV)
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, Path(target) / f"{name}.png")
        return path

    return shoot
