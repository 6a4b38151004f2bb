"""Shared helpers: read a file from a fetched snapshot with `git show`, and append rows to found.csv."""
import csv, io, os, subprocess

COLUMNS = ["geo", "period", "indicator", "value", "flags", "dataset", "filter", "extracted",
           "repository", "path", "commit", "notes"]
MIRROR_ROOT = os.environ.get("MIRROR_ROOT", "/work/.mirror")
OUT = os.environ.get("FOUND_CSV", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "found.csv"))


def git_dir(repo):
    return os.path.join(MIRROR_ROOT, repo.replace("/", "+"), "repo")


def git_show(repo, commit, path, binary=False):
    out = subprocess.check_output(["git", "-C", git_dir(repo), "show", f"{commit}:{path}"])
    return out if binary else out.decode("utf-8")


def write_rows(rows, source_tag):
    """Replace the rows previously written by `source_tag` (kept in notes prefix) and append new ones."""
    existing = []
    if os.path.exists(OUT):
        with open(OUT, newline="", encoding="utf-8") as f:
            existing = [r for r in csv.DictReader(f) if not r["notes"].startswith(f"[{source_tag}]")]
    for r in rows:
        r["notes"] = f"[{source_tag}] " + r.get("notes", "")
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for r in existing + rows:
            w.writerow({k: r.get(k, "") for k in COLUMNS})
    print(f"{source_tag}: wrote {len(rows)} rows -> {OUT}")
