"""The one YAML reader: a date that cannot exist is a YAML error, which every file reader turns
into a refusal in words (it was a ValueError, and the scenario CLI stopped with exit code 70)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from eupact import yamlio
from eupact.errors import EupactError
from eupact.scenarios.model import read_yaml_file


def test_a_real_date_is_read_as_a_date() -> None:
    assert yamlio.load("day: 2027-02-28") == {"day": dt.date(2027, 2, 28)}


@pytest.mark.parametrize("text", ["day: 2027-13-02", "day: 2027-02-30", "day: 2026-02-29"])
def test_a_date_that_cannot_exist_is_a_yaml_error(text: str) -> None:
    with pytest.raises(yaml.YAMLError, match="does not exist"):
        yamlio.load(text)


def test_a_file_reader_refuses_it_in_words(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("as_of: 2027-13-02\n", encoding="utf-8")
    with pytest.raises(EupactError) as caught:
        read_yaml_file(path, "file", "scenario")
    text = str(caught.value)
    assert "is not readable YAML" in text and "a date or value that does not exist" in text
    assert "ValueError" not in text
