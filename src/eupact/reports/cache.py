"""A content-keyed cache of rendered report artefacts (PDF bytes, chart SVGs).

Rendering the same HTML twice gives the same PDF, so the PDF is kept under the SHA-256 of the
HTML and of the renderer's version, in the cache folder the snapshot loader uses
(``$EUPACT_CACHE_DIR``, else ``$XDG_CACHE_HOME/eupact``, else ``~/.cache/eupact``). A changed
byte of the input is a new render; a read-only or missing cache only costs the render.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from eupact import __version__


def cache_dir() -> Path:
    root = os.environ.get("EUPACT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "eupact"
    )
    return Path(root) / "reports"


def cached(kind: str, key: str, render: Callable[[], bytes], *, use: bool = True) -> bytes:
    """``render()``'s bytes, from the cache when the same ``key`` was rendered before."""
    if not use:
        return render()
    digest = hashlib.sha256(f"{kind}\0{__version__}\0{key}".encode()).hexdigest()
    path = cache_dir() / f"{kind}-{digest}"
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = render()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        pass
    return data
