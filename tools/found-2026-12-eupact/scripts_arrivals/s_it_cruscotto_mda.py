"""Italy sea arrivals, second independent extraction of the same Ministry of the Interior PDFs
(cruscotto statistico giornaliero), by paoloRi/MDA_2025_progetto_tesi (extractors/nationality_extractor.py,
monthly GitHub Action 'Auto-update: Dati migranti').

output/dati_nazionalita.csv: nazionalita, migranti_sbarcati, data_riferimento, filename; one report per month
(month-end); the nationality table counts arrivals since 1 January by declared nationality incl. 'altre*'.
Sum over nationalities = year-to-date arrivals.  Used here ONLY for what the ondata file lacks
(2025-09 .. 2025-12 and the 2025 annual total); overlapping months are compared with ondata.
"""
import io
import pandas as pd
from common import git_show, write_rows

REPO = "paoloRi/MDA_2025_progetto_tesi"
COMMIT = "a40f4c4a2889bae44a4235717d5328a72e8ab9b0"  # 2026-01-05 "Auto-update: Dati migranti 2026-01-05"
PATH = "output/dati_nazionalita.csv"
ONDATA = ("ondata/liberiamoli-tutti", "5cc0f5bb88cc3112b46364d5953e79ac1e4ea5c7", "sbarchi-migranti/dati/nazionalita.csv")

n = pd.read_csv(io.StringIO(git_show(REPO, COMMIT, PATH)))
ytd = n.groupby("data_riferimento")["migranti_sbarcati"].sum()
files = n.groupby("data_riferimento")["filename"].first()

o = pd.read_csv(io.StringIO(git_show(*ONDATA)))
ytd_o = o.groupby("Data_Report")["Valore"].sum()
common = sorted(set(ytd.index) & set(ytd_o.index))
same = [d for d in common if ytd[d] == ytd_o[d]]
print(f"overlap with ondata: {len(common)} report dates, identical YTD totals: {len(same)}",
      [d for d in common if d not in same])

base = dict(geo="IT", indicator="sea_arrivals_national", flags="",
            dataset="Ministero dell'Interno - Cruscotto statistico giornaliero (PDF), table 'nazionalita dichiarate al momento dello sbarco' (YTD)",
            filter="sum of all nationalities incl. 'altre*'; month-end report",
            extracted="reports to 31-12-2025; commit 2026-01-05 (GitHub Action)", repository=REPO, path=PATH, commit=COMMIT)
rows = []
for m in (9, 10, 11, 12):
    end = (pd.Timestamp(2025, m, 1) + pd.offsets.MonthEnd(0)).strftime("%Y-%m-%d")
    prev = (pd.Timestamp(2025, m, 1) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    rows.append(dict(base, period=f"2025-{m:02d}", value=int(ytd[end] - ytd[prev]),
                     notes=f"monthly = YTD {end} ({ytd[end]}, {files[end]}) minus YTD {prev} ({ytd[prev]})"))
rows.append(dict(base, period="2025", value=int(ytd["2025-12-31"]),
                 notes=f"annual = YTD at {files['2025-12-31']}"))
write_rows(rows, "it_cruscotto_mda")
for r in rows:
    print(r["period"], r["value"])
