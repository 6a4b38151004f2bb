# jjdlg361/real_estate_migration: first-time applicants (sum of migr_asyappctzm) annual + quarterly, TP stock end-quarter
import io
import subprocess
import sys

import pandas as pd

sys.path.insert(0, "/tmp/hunt/scripts")
from common import *

R = "/work/.mirror/jjdlg361+real_estate_migration/repo"


def show(c, p):
    return subprocess.run(
        ["git", "-C", R, "show", f"{c}:{p}"], capture_output=True, check=True
    ).stdout


CA = "03c63cd58f8964b696ef334ac39a192addd45a68"
PA = "data/processed/panel_annual_extended_channels.csv"
CQ = "d1304b232bbfbfb0667fd23671649641ad80098c"
PQ = "data/processed/panel_quarterly_extended_channels.parquet"
a = pd.read_csv(io.BytesIO(show(CA, PA)), low_memory=False)
q = pd.read_parquet(io.BytesIO(show(CQ, PQ)))
FILT = "freq=M,unit=PER,citizen=TOTAL,sex=T,applicant=FRST,age=TOTAL (monthly values summed by scripts/estimate_expanded_channels.py, pandas sum(min_count=1))"
EXT = "raw cache fetched before 2026-03-06..15 (data/metadata/eurostat_fetch_catalog.json generated_at 2026-03-06; commit 2026-03-15); raw file not committed"
REPO = "jjdlg361/real_estate_migration"
rows = []
for _, r in a[a.year.isin([2023, 2024, 2025]) & a.geo.isin(EU27)].iterrows():
    if pd.isna(r.asylum_first_apps_q):
        continue
    rows.append(
        dict(
            geo=r.geo,
            period=str(int(r.year)),
            indicator="asylum_applicants_first_time",
            value=int(r.asylum_first_apps_q),
            dataset="migr_asyappctzm (summed over 12 months)",
            filter=FILT,
            extracted=EXT,
            repository=REPO,
            path=PA,
            commit=CA,
            notes="column asylum_first_apps_q; annual = sum of monthly (rounded) values, may differ slightly from migr_asyappctza"
            + (
                "; 2025 may be incomplete if Dec-2025 not yet published at fetch"
                if r.year == 2025
                else ""
            ),
        )
    )
QS = [
    "2023Q1",
    "2023Q2",
    "2023Q3",
    "2023Q4",
    "2024Q1",
    "2024Q2",
    "2024Q3",
    "2024Q4",
    "2025Q1",
    "2025Q2",
    "2025Q3",
    "2025Q4",
]
for _, r in q[q.period_str.isin(QS) & q.geo.isin(EU27)].iterrows():
    per = r.period_str[:4] + "-" + r.period_str[4:]
    if not pd.isna(r.asylum_first_apps_q):
        rows.append(
            dict(
                geo=r.geo,
                period=per,
                indicator="asylum_applicants_first_time",
                value=int(r.asylum_first_apps_q),
                dataset="migr_asyappctzm (summed over quarter)",
                filter=FILT,
                extracted=EXT,
                repository=REPO,
                path=PQ,
                commit=CQ,
                notes="QUARTERLY sum of monthly values (column asylum_first_apps_q); 2024-Q3..2025-Q2 = Jul-2024..Jun-2025",
            )
        )
    if not pd.isna(r.tps_stock_total_qe):
        qe = (
            r.period_str[:4]
            + "-"
            + {"Q1": "03", "Q2": "06", "Q3": "09", "Q4": "12"}[r.period_str[4:]]
        )
        rows.append(
            dict(
                geo=r.geo,
                period=qe,
                indicator="temporary_protection_beneficiaries",
                value=int(r.tps_stock_total_qe),
                dataset="migr_asytpsm",
                filter="freq=M,unit=PER,sex=T,age=TOTAL,citizen=TOTAL",
                extracted=EXT,
                repository=REPO,
                path=PQ,
                commit=CQ,
                notes="column tps_stock_total_qe = last month available within the quarter (script: groupby.tail(1)); period given as quarter-end month: checked 45 of 50 values equal Metill.is migr_asytpsm for 2023-12 and 2024-06 (other 5 = later revisions)",
            )
        )
append(rows)
print(len(rows))
