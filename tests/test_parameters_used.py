"""Every legal parameter is read by a rule (Art. 58(3)'s ten days were once declared, cited to the
wrong paragraph and never read): a value kept in a file but used nowhere misleads whoever reads
the file. The methodology's parameters (``methodology/``) are read by prefix and checked by the
assessment's own tests."""

from __future__ import annotations

from pathlib import Path

from eupact.parameters import load_parameters

SRC = Path(__file__).resolve().parents[1] / "src" / "eupact"


def _source_text() -> str:
    files = [*SRC.rglob("*.py"), *SRC.rglob("*.j2"), *SRC.rglob("*.html")]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def test_every_legal_parameter_is_read_somewhere():
    text = _source_text()
    unread = []
    for p in load_parameters():
        if p.file.startswith("methodology"):
            continue
        # an act's values are read through the act (pool_<year>.<name>, eupact.pool.acts)
        name = p.name.split(".", 1)[1] if p.name.startswith("pool_20") else p.name
        # Part III's values may be read by their short name (eupact.responsibility.rules.Rules)
        names = {name, name.removeprefix("responsibility.")}
        if not any(f'"{n}"' in text or f"'{n}'" in text for n in names):
            unread.append(f"{p.name} ({p.file})")
    assert not unread, "declared and never read: " + ", ".join(unread)
