"""Italy sea arrivals (Ministero dell'Interno, cruscotto statistico giornaliero) as extracted by ondata.

Source: github.com/ondata/liberiamoli-tutti, sbarchi-migranti/dati/nazionalita.csv.
Each report (15th and last day of each month) carries the table "nazionalita' dichiarate al momento dello
sbarco" = migrants disembarked since 1 January of the report's year, by declared nationality, incl. 'altre'.
Sum over nationalities = year-to-date sea arrivals at the report date.
Annual value = YTD at the 31-12 report; monthly value = YTD(end of month) - YTD(end of previous month)
(January = YTD at 31-01).
"""
import io
import pandas as pd
from common import git_show, write_rows

REPO = "ondata/liberiamoli-tutti"
COMMIT = "5cc0f5bb88cc3112b46364d5953e79ac1e4ea5c7"   # 2025-09-16 "dati migranti update"; last commit touching the file
PATH = "sbarchi-migranti/dati/nazionalita.csv"

df = pd.read_csv(io.StringIO(git_show(REPO, COMMIT, PATH)), dtype=str)
df["V"] = pd.to_numeric(df["Valore"], errors="raise")
ytd = df.groupby("Data_Report")["V"].sum()
ytd.index = pd.to_datetime(ytd.index)

rows = []
base = dict(geo="IT", indicator="sea_arrivals_national", flags="",
            dataset="Ministero dell'Interno - Cruscotto statistico giornaliero (PDF), table 'nazionalita dichiarate al momento dello sbarco' (YTD)",
            filter="sum of all nationalities incl. 'altre'; Data_Report = last day of month",
            extracted="report dates up to 2025-09-15; commit 2025-09-16",
            repository=REPO, path=PATH, commit=COMMIT)
for year in (2023, 2024, 2025):
    prev = 0
    for month in range(1, 13):
        end = (pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0))
        if end not in ytd.index:
            continue
        v = int(ytd[end])
        rows.append(dict(base, period=f"{year}-{month:02d}", value=v,
                         notes=f"monthly = YTD {end.date()} ({v}) minus YTD of previous month-end ({prev}); figures provisional per ministry"))
        rows[-1]["value"] = v - prev
        prev = v
    dec = pd.Timestamp(year=year, month=12, day=31)
    if dec in ytd.index:
        rows.append(dict(base, period=str(year), value=int(ytd[dec]), notes=f"annual = YTD at report {dec.date()}"))

write_rows(rows, "it_cruscotto_ondata")
chk = {r["period"]: r["value"] for r in rows}
print("2024 =", chk.get("2024"), "(expected 66,317);  2023 =", chk.get("2023"), "(official 157,651/157,652)")
print("sum of 2024 months =", sum(v for p, v in chk.items() if p.startswith("2024-")))
