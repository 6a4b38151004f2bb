"""Build the snapshot's primary resources from the extractions found in public repositories.

Reads ``../shared/data/found-2026-12/`` (each file's repository, path, commit and extraction date
are in its ``SOURCES.md``) and, when given, further finds in the same long layout with their own
provenance columns; writes ``primary_extractions.csv`` and ``frontex_routes_monthly.csv`` into the
shipped snapshot. Run from the repository root::

    python tools/primary_extractions.py [--found ../shared/data/found-2026-12] [--extra FILE.csv]

Only values that name their dataset, filter, extraction date and where the extraction is published
are written: that is what makes them primary (docs/data.md, "Source classes").
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

SNAPSHOT = Path("src/eupact/data/snapshot")
COLUMNS = (
    "indicator",
    "geo",
    "period",
    "value",
    "unit",
    "flags",
    "dataset",
    "filter",
    "publisher",
    "extracted",
    "published_in",
    "notes",
)
GH = "https://github.com"
EUROSTAT = "Eurostat dissemination API"
#: Who publishes the data a repository extracted, where it is not Eurostat's API.
PUBLISHERS = {
    "ondata/liberiamoli-tutti": "Ministero dell'Interno (Italy), cruscotto statistico",
    "paoloRi/MDA_2025_progetto_tesi": "Ministero dell'Interno (Italy), cruscotto statistico",
    "leblanguva/PEPFAR": "UNHCR operational data portal (figures of Spain's Ministry of the Interior)",
}

ECONOMIA = {
    "published_in": f"{GH}/Oscarbellosido/Economia/blob/06f8408238fa418cbec570263d19e788d4c7890e/dades.json",
    "extracted": "2026-09-16",
    "notes": "extraction date stated in the file (generat); written by scripts/actualitza.js "
    "from the Eurostat dissemination API (JSON-stat); no flags in the file",
}
ECONOMIA_SERIES = {
    "migr_asyappctza_first_time_applicants": (
        "asylum_applicants_first_time",
        "migr_asyappctza",
        "citizen=TOTAL, applicant=FRST, age=TOTAL, sex=T, unit=PER",
        "persons (first-time applicants)",
    ),
    "migr_eiord_ordered_to_leave": (
        "ordered_to_leave",
        "migr_eiord",
        "citizen=TOTAL, age=TOTAL, sex=T",
        "persons ordered to leave",
    ),
    "migr_eirtn_returned_following_order": (
        "returned",
        "migr_eirtn",
        "citizen=TOTAL, age=TOTAL, sex=T, c_dest=TOTAL",
        "persons returned following an order to leave (all destinations)",
    ),
    "migr_eipre_illegally_present": (
        "illegally_present",
        "migr_eipre",
        "citizen=TOTAL, age=TOTAL, sex=T, reason=TOTAL, apprehen=TOTAL",
        "persons found illegally present",
    ),
}
METILL = {
    "published_in": f"{GH}/bgautijonsson/Metill.is/blob/0c3f1375311f6525a8fe6b73a52ef94274cb15f7/"
    "greinar/flottafolk/data/timabundin_vernd_raw.csv",
    "extracted": "2024-09/2024-12",
    "notes": "extraction date not stated: the file's last month is 2024-08, so extracted about "
    "autumn 2024 (an older vintage); written by greinar/flottafolk/R/*.R with the R eurostat package",
}
METILL_SERIES = {
    "migr_asytpsm_tp_beneficiaries_end_month": (
        "temporary_protection_beneficiaries",
        "migr_asytpsm",
        "citizen=TOTAL, sex=T, age=TOTAL (end of month)",
        "persons (beneficiaries of temporary protection, end of month)",
    ),
    "migr_asypenctzm_pending_end_month": (
        "pending_applications",
        "migr_asypenctzm",
        "citizen=TOTAL, sex=T, age=TOTAL (end of month)",
        "persons with an application pending (end of month)",
    ),
}
FRONTEX = "frontex_ibc_by_route_monthly_2023-01_2025-04_iom_gdidata.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _shared(
    path: Path, series: dict[str, tuple[str, str, str, str]], provenance: dict[str, str]
) -> list[dict[str, str]]:
    """The rows of one file of shared/data/found-2026-12, named and described as the snapshot
    names them; an empty or NA cell is not a figure."""
    out = []
    for row in _rows(path):
        if row["indicator"] not in series or row["value"] in ("", "NA"):
            continue
        indicator, dataset, filt, unit = series[row["indicator"]]
        out.append(
            {
                "indicator": indicator,
                "geo": row["geo"],
                "period": row["period"],
                "value": row["value"],
                "unit": unit,
                "flags": row["flags"],
                "dataset": dataset,
                "filter": filt,
                "publisher": EUROSTAT,
                **provenance,
            }
        )
    return out


def extractions(found: Path, extra: list[Path]) -> list[dict[str, str]]:
    out = _shared(found / "economia_dadesjson_annual_2023_2025.csv", ECONOMIA_SERIES, ECONOMIA)
    out += _shared(found / "metill_tp_stock_and_pending_2023-12_2024-08.csv", METILL_SERIES, METILL)
    for path in extra:
        for row in _rows(path):
            late_2025 = row["period"] == "2025" or (
                row["period"].endswith(("-Q4", "-12")) and row["period"].startswith("2025")
            )
            if late_2025 and row["repository"] == "jjdlg361/real_estate_migration":
                # an extraction of early March 2026 summed months with min_count=1: a late
                # December 2025 would be hidden in the sum, so those periods are not taken
                continue
            published = (
                f"{GH}/{row['repository']}/tree/{row['commit']} ({row['path']})"
                if ";" in row["path"]
                else f"{GH}/{row['repository']}/blob/{row['commit']}/{row['path']}"
            )
            # the extraction date as a date (or "by <date>" when only a bound is known);
            # the finder's account of how it is known goes to the notes
            date = re.search(r"\d{4}-\d{2}-\d{2}", row["extracted"])
            exact = date is not None and row["extracted"].startswith(date.group())
            extracted = (date.group() if exact else f"by {date.group()}") if date else ""
            why = "" if exact else f"extraction date: {row['extracted']}"
            out.append(
                {
                    "indicator": row["indicator"],
                    "geo": row["geo"],
                    "period": row["period"],
                    "value": row["value"],
                    "unit": row.get("unit") or "persons",
                    "flags": row.get("flags", ""),
                    "dataset": row["dataset"],
                    "filter": row["filter"],
                    "publisher": PUBLISHERS.get(row["repository"], EUROSTAT),
                    "extracted": extracted,
                    "published_in": published,
                    "notes": "; ".join(x for x in (why, row.get("notes", "")) if x),
                }
            )
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for row in out:
        key = (row["indicator"], row["geo"], row["period"])
        if key in seen:  # the first find of a cell wins; later ones are not written
            continue
        seen.add(key)
        unique.append(row)
    return sorted(unique, key=lambda r: (r["indicator"], r["period"], r["geo"]))


def frontex_monthly(found: Path) -> list[dict[str, str]]:
    rows = [
        {
            "route": row["geo"].removeprefix("route:"),
            "period": row["period"],
            "detections": row["value"],
        }
        for row in _rows(found / FRONTEX)
    ]
    return sorted(rows, key=lambda r: (r["route"], r["period"]))


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--found", type=Path, default=Path("../shared/data/found-2026-12"))
    parser.add_argument(
        "--extra",
        type=Path,
        action="append",
        default=[
            Path("tools/found-2026-12-eupact/found.csv"),
            Path("tools/found-2026-12-eupact/found_arrivals.csv"),
        ],
    )
    args = parser.parse_args()
    rows = extractions(args.found, args.extra)
    _write(SNAPSHOT / "primary_extractions.csv", COLUMNS, rows)
    monthly = frontex_monthly(args.found)
    _write(SNAPSHOT / "frontex_routes_monthly.csv", ("route", "period", "detections"), monthly)
    print(f"{len(rows)} primary values, {len(monthly)} Frontex route-months written")


if __name__ == "__main__":
    main()
