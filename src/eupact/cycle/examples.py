"""The shipped example pledges (SYNTHETIC) and how to regenerate them."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from eupact.data.snapshot import load_snapshot
from eupact.errors import fail
from eupact.key.reference_key import key_from_snapshot
from eupact.parameters import load_parameters
from eupact.pool.acts import council_act
from eupact.pool.allocation import allocate
from eupact.pool.synthetic import LABEL, synthetic_pledges


def example_pledges_path(year: int) -> Path:
    path = Path(
        str(resources.files("eupact.cycle") / "examples" / f"pledges_{year}_synthetic.yaml")
    )
    if not path.exists():
        raise fail("year", year, "no example pledges shipped for this year; pass --pledges FILE")
    return path


def synthetic_document(year: int, seed: int) -> dict[str, Any]:
    """The YAML document of SYNTHETIC pledges for ``year``."""
    from eupact.cycle.run import DEFAULT_VINTAGES

    parameters = load_parameters()
    act = council_act(year, parameters)
    key = key_from_snapshot(load_snapshot(), parameters.at(act.act_date), DEFAULT_VINTAGES[year])
    fair = allocate(key, act.reference, "mandatory fair share", "Art. 57(3)")
    pledges, deductions = synthetic_pledges(fair, act, seed)
    return {
        "label": LABEL.format(seed=seed, act=act.citation),
        "synthetic": True,
        "forum_reconvened": False,
        "pledges": [
            {
                "state": p.state,
                "kind": str(p.kind),
                "amount": int(p.amount),
                **({"requested_by": list(p.requested_by)} if p.requested_by else {}),
            }
            for p in pledges
        ],
        "deductions": [
            {
                "state": d.state,
                "article": d.article,
                "full": d.full,
                "status": str(d.status),
                **({"council_act": d.council_act} if d.council_act else {}),
            }
            for d in deductions
        ],
    }


def write_synthetic_pledges(out: Path, year: int, seed: int) -> Path:
    text = yaml.safe_dump(
        synthetic_document(year, seed), sort_keys=False, allow_unicode=True, width=100
    )
    out.write_text(
        "# SYNTHETIC — made by `eupact pool synthetic-pledges`; not real pledges.\n" + text,
        encoding="utf-8",
    )
    return out
