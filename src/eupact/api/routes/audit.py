"""The append-only, hash-chained audit log, and its verification."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from eupact.api.deps import Format, Limit, Offset, Service, Who, perm
from eupact.api.exports import page
from eupact.api.schemas import AuditPage, VerificationOut

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=AuditPage, openapi_extra=perm("audit.read"))
def audit_log(
    service: Service, who: Who, offset: Offset = 0, limit: Limit = 100, format: Format = "json"
) -> Any:
    """The append-only, hash-chained audit log."""
    items, total = service.audit_log(who, offset, limit)
    return page(items, total, offset, limit, format, "audit")


@router.get("/verify", response_model=VerificationOut, openapi_extra=perm("audit.verify"))
def audit_verify(service: Service, who: Who) -> Any:
    """Recompute the hash chain and replay the log: detects any edited or deleted entry."""
    return service.verify_audit(who)
