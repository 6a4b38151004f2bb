"""Lists as pages of records or as CSV files (cells neutralised against formula injection)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi.responses import Response

from eupact.reports.tables import csv_text


def csv_response(rows: list[dict[str, Any]], name: str) -> Response:
    return Response(
        csv_text(rows),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def page_of(records: Sequence[Any], offset: int, limit: int, form: str, name: str) -> Any:
    """A page of a whole list the service answered (deductions, offsets, implementation)."""
    return page(records[offset : offset + limit], len(records), offset, limit, form, name)


def page(records: Sequence[Any], total: int, offset: int, limit: int, form: str, name: str) -> Any:
    items = [r.as_dict() for r in records]
    if form == "csv":
        return csv_response(items, name)
    return {"items": items, "total": total, "offset": offset, "limit": limit}
