"""The case's JSON Schema as published in docs/schema/ is the model's (issue 16 item 1): another
system producing cases validates against the file; a change to the model that forgets the file,
or the schema version, fails here."""

from __future__ import annotations

import json
from pathlib import Path

from eupact.responsibility import SCHEMA_VERSION, json_schema

PUBLISHED = Path(__file__).resolve().parents[1] / "docs" / "schema"


def test_the_published_schema_is_the_models() -> None:
    path = PUBLISHED / f"responsibility-case-{SCHEMA_VERSION}.json"
    assert json.loads(path.read_text(encoding="utf-8")) == json_schema(), (
        f"regenerate: eupact responsible schema > {path.relative_to(PUBLISHED.parents[1])}"
    )


def test_the_schema_names_no_personal_field() -> None:
    text = json.dumps(json_schema()).lower()
    for word in ('"name"', '"first_name"', '"surname"', '"passport_number"', '"address"'):
        assert word not in text, word
