"""Spain irregular arrivals, monthly, UNHCR Operational Data Portal (data.unhcr.org) time series,
as saved by leblanguva/PEPFAR analyze_arrivals.py (commit 588a7798, 2025-07-03).

Script (analyze_arrivals.py in the same commit) fetched, JSON endpoints of the portal, geo_id=729 (Spain), sv_id=100:
  population_group=5634 -> Canary Islands (sea, Atlantic route)          -> canary_analysis_data.csv, column arrivals_canary
  population_group=4797 -> sea arrivals to mainland Spain & Balearics     -> mainland_sea_analysis_data.csv, arrivals_mainland_sea
  population_group=4798 -> land arrivals (Ceuta & Melilla)               -> mainland_land_arrivals.csv, arrivals_mainland_land
frequency=month, fromDate=2017-01-01; values resampled to month-end with .sum() (one value per month).
UNHCR republishes the Spanish Ministry of the Interior figures.
"""
import io
import pandas as pd
from common import git_show, write_rows

REPO = "leblanguva/PEPFAR"
COMMIT = "588a7798017aa9f12c621eddf5e6cd67f87a71b8"
FILES = {
    "canary": ("canary_analysis_data.csv", "arrivals_canary", "5634 (Canary Islands, sea)"),
    "mainland_sea": ("mainland_sea_analysis_data.csv", "arrivals_mainland_sea", "4797 (mainland & Balearics, sea)"),
    "land": ("mainland_land_arrivals.csv", "arrivals_mainland_land", "4798 (Ceuta & Melilla, land)"),
}

series = {}
for key, (path, col, _) in FILES.items():
    d = pd.read_csv(io.StringIO(git_show(REPO, COMMIT, path)))
    d["period"] = d["date"].str[:7]
    series[key] = d.set_index("period")[col].astype(int)
df = pd.DataFrame(series)
assert df.notna().all().all()

base = dict(geo="ES", flags="", dataset="UNHCR ODP data.unhcr.org/population/get/timeseries (Spain, geo_id=729, sv_id=100, frequency=month)",
            extracted="2025-07-03 (commit date; script END_DATE = end of previous month, last month 2025-06)",
            repository=REPO, commit=COMMIT)
rows = []
years = {}
for period, r in df.iterrows():
    if period < "2023-01":
        continue
    y = period[:4]
    years.setdefault(y, []).append(period)
    sea = int(r.canary + r.mainland_sea)
    tot = int(sea + r.land)
    comp = f"Canarias {int(r.canary)} + mainland/Balearics sea {int(r.mainland_sea)} + Ceuta/Melilla land {int(r.land)}"
    prov = "; last month of the extraction, may be incomplete" if period == "2025-06" else ""
    rows.append(dict(base, period=period, indicator="sea_arrivals_national", value=sea,
                     filter="population_group 5634 + 4797", path=f"{FILES['canary'][0]};{FILES['mainland_sea'][0]}",
                     notes=comp + prov))
    rows.append(dict(base, period=period, indicator="irregular_arrivals_national", value=tot,
                     filter="population_group 5634 + 4797 + 4798",
                     path=";".join(v[0] for v in FILES.values()), notes=comp + prov))
for y, ps in years.items():
    if len(ps) != 12:
        continue
    s = df.loc[ps].sum()
    sea = int(s.canary + s.mainland_sea)
    tot = int(sea + s.land)
    comp = f"sum of 12 months: Canarias {int(s.canary)} + mainland/Balearics sea {int(s.mainland_sea)} + Ceuta/Melilla land {int(s.land)}"
    rows.append(dict(base, period=y, indicator="sea_arrivals_national", value=sea, filter="population_group 5634 + 4797",
                     path=f"{FILES['canary'][0]};{FILES['mainland_sea'][0]}", notes=comp))
    rows.append(dict(base, period=y, indicator="irregular_arrivals_national", value=tot, filter="population_group 5634 + 4797 + 4798",
                     path=";".join(v[0] for v in FILES.values()), notes=comp))
write_rows(rows, "es_unhcr_pepfar")
for r in rows:
    if r["period"] in ("2023", "2024"):
        print(r["period"], r["indicator"], r["value"], r["notes"])
print("reference: Interior 2024 total 63,970 (Canarias 46,843); 2023 total 56,852 (Canarias 39,910)")
