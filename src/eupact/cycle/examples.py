"""The shipped example pledges (SYNTHETIC) and how to regenerate them."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from eupact.data.snapshot import load_snapshot
from eupact.errors import EupactError, Problem
from eupact.parameters import load_parameters
from eupact.pool.synthetic import LABEL, synthetic_pledges, synthetic_uses
from eupact.pool.year import pool_year


def example_pledges_path(year: int) -> Path:
    path = Path(
        str(resources.files("eupact.cycle") / "examples" / f"pledges_{year}_synthetic.yaml")
    )
    if not path.exists():
        raise EupactError(_missing_for(year), f"cannot run the {year} cycle")
    return path


def _missing_for(year: int) -> list[Problem]:
    """Everything a run of ``year``'s cycle lacks, at once: the example pledges, the Council
    act that sets the reference number, and the data the annual report assesses."""
    from eupact.assessment import assess_year
    from eupact.pool.acts import recorded_years

    shipped = ", ".join(
        p.name.split("_")[1]
        for p in sorted(Path(str(resources.files("eupact.cycle") / "examples")).glob("*.yaml"))
    )
    missing = [
        Problem(
            "year",
            year,
            f"no example pledges are shipped for this pool year (only for {shipped}): "
            "give a pledges file (`cycle run --pledges FILE`, a scenario's pledges_file)",
        )
    ]
    known = recorded_years(load_parameters())
    if year not in known:
        missing.append(
            Problem(
                "year",
                year,
                "no Council implementing act is recorded for this pool year (recorded: "
                f"{', '.join(map(str, known))}): its reference number and fair shares follow "
                "from the act (Art. 57(1), (3))",
            )
        )
    try:
        assess_year(year - 1, with_sensitivity=False)
    except EupactError as exc:
        missing += [
            Problem(
                "year",
                year,
                f"its annual report, where one is asked for (`cycle run` by default; "
                f"--no-report skips it), assesses {year - 1}: {p.rule}",
            )
            for p in exc.problems
        ]
    return missing


def synthetic_document(year: int, seed: int) -> dict[str, Any]:
    """The YAML document of SYNTHETIC pledges for ``year``."""
    pool = pool_year(year, load_parameters(), load_snapshot())
    act, fair = pool.act, pool.fair_shares()
    pledges, deductions = synthetic_pledges(fair, act, seed)
    return {
        "label": LABEL.format(seed=seed, act=act.citation),
        "synthetic": True,
        # the demonstration's Council reconvenes the Forum, whose pledging then closes (13(4))
        "forum_reconvened": True,
        "uses_of_pool": [
            {
                "state": u.state,
                "informed_on": u.informed_on.isoformat(),
                "needs": {
                    "relocations": u.needs.relocations,
                    "financial": int(u.needs.financial),
                    "programmes": list(u.needs.programmes),
                },
            }
            for u in synthetic_uses(act, pool.params)
        ],
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
