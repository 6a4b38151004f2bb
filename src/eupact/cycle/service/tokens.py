"""API tokens: who may call the service, as which role (and, for a Member State, which state),
and until when; and the dashboard's sessions, opened with a token.

A token is shown once; only its SHA-256 is stored. Every token expires (by default
:data:`DEFAULT_LIFETIME_DAYS` after it is made); an expired token is refused like a revoked one.
Creating and revoking a token are audited (``token.create`` / ``token.revoke``), so that
``eupact audit verify`` can tell a role changed in the database behind the service's back.

A dashboard session is a random id in a cookie (never the API token); the database keeps its
SHA-256, the token it was opened with and the secret its forms are signed with (CSRF). It ends
when the visitor signs out, after :data:`SESSION_LIFETIME`, and when its token is revoked or
expires.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update

from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.records import utc
from eupact.cycle.service.context import Context
from eupact.cycle.store.models import TokenRow, WebSessionRow
from eupact.errors import EupactError, NotFound, Problem, Unauthorized

OPERATOR = ("operator", "operator")  # the console's actor id and role in the audit log
# Short by default: a token that leaks stops working on its own. A holder who needs longer asks
# for it (``eupact tokens create --expires-in-days``), up to MAX_LIFETIME_DAYS.
DEFAULT_LIFETIME_DAYS: dict[Role, int] = {role: 90 for role in Role}
MAX_LIFETIME_DAYS = 3650
SESSION_LIFETIME = dt.timedelta(hours=8)
# Ended and expired sessions are kept this long (what an operator may want to look at), then
# deleted when the next session opens.
SESSIONS_KEPT = dt.timedelta(days=30)

_TOKEN = select(
    TokenRow.id,
    TokenRow.role,
    TokenRow.state,
    TokenRow.revoked,
    TokenRow.created_at,
    TokenRow.expires_at,
).where(TokenRow.token_hash == bindparam("token_hash"))
_SESSION = (
    select(
        WebSessionRow.token_id,
        WebSessionRow.expires_at.label("session_expires_at"),
        WebSessionRow.ended_at,
        WebSessionRow.csrf_secret,
        TokenRow.role,
        TokenRow.state,
        TokenRow.revoked,
        TokenRow.created_at,
        TokenRow.expires_at,
    )
    .join(TokenRow, TokenRow.id == WebSessionRow.token_id)
    .where(WebSessionRow.id == bindparam("session_hash"))
)
_UNKNOWN = "unknown or revoked token"


class TokenExpired(Unauthorized):
    """A token past its ``expires_at``: refused like a revoked one, but says so (its holder
    needs a new one, not a corrected one)."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _iso(moment: dt.datetime | None) -> str | None:
    return utc(moment).astimezone(dt.UTC).isoformat() if moment is not None else None


def deadline(role: str, created_at: dt.datetime, expires_at: dt.datetime | None) -> dt.datetime:
    """When a token stops working: its ``expires_at``, or for a token made before tokens
    expired, its role's default lifetime after it was made."""
    if expires_at is not None:
        return utc(expires_at)
    return utc(created_at) + dt.timedelta(days=DEFAULT_LIFETIME_DAYS[Role(role)])


def token_view(row: TokenRow) -> dict[str, Any]:
    """What the audit log records of a token (``eupact audit verify`` replays exactly these)."""
    return {
        "id": row.id,
        "role": row.role,
        "state": row.state,
        "label": row.label,
        "expires_at": _iso(row.expires_at),
        "revoked": row.revoked,
    }


@dataclass(frozen=True)
class TokenInfo:
    """A token as ``eupact tokens list`` shows it: never the token, nor its hash."""

    id: int
    role: str
    state: str | None
    label: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked: bool
    last_sign_in: dt.datetime | None  # the dashboard's; API calls are not recorded per token

    def status(self, now: dt.datetime) -> str:
        if self.revoked:
            return "revoked"
        return "expired" if now >= self.expires_at else "active"


@dataclass(frozen=True)
class WebSession:
    """A signed-in dashboard visitor: the actor, and the secret the session's forms carry."""

    actor: Actor
    csrf_secret: str

    def form_token(self) -> str:
        """What every form of the session carries (CSRF): derived from the session's secret,
        so that any server process can check it, and useless outside the session."""
        return hmac.new(self.csrf_secret.encode(), b"eupact-form", hashlib.sha256).hexdigest()

    def form_token_matches(self, sent: str) -> bool:
        return hmac.compare_digest(
            sent.encode("utf-8", "surrogatepass"), self.form_token().encode()
        )


def _info(row: TokenRow, last_sign_in: dt.datetime | None) -> TokenInfo:
    return TokenInfo(
        row.id,
        row.role,
        row.state,
        row.label,
        utc(row.created_at),
        deadline(row.role, row.created_at, row.expires_at),
        row.revoked,
        utc(last_sign_in) if last_sign_in is not None else None,
    )


class Tokens:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- tokens ------------------------------------------------------------------------------------

    def create(
        self,
        role: Role,
        state: str | None = None,
        label: str = "",
        expires_in_days: int | None = None,
    ) -> str:
        """A new API token (shown once; only its hash is stored), valid for ``expires_in_days``
        (default: :data:`DEFAULT_LIFETIME_DAYS` of its role)."""
        return self.issue(role, state, label, expires_in_days)[0]

    def issue(
        self,
        role: Role,
        state: str | None = None,
        label: str = "",
        expires_in_days: int | None = None,
    ) -> tuple[str, TokenInfo]:
        """:meth:`create`, also giving what ``eupact tokens list`` will show of the token."""
        problems: list[Problem] = []
        if (role is Role.MEMBER_STATE) != (state is not None):
            problems.append(
                Problem(
                    "state",
                    state,
                    "a Member State token names its state, and only a Member State token does",
                )
            )
        elif state is not None and state not in self.ctx.bound_states():
            problems.append(Problem("state", state, "not a Member State bound by Part IV AMMR"))
        days = DEFAULT_LIFETIME_DAYS[role] if expires_in_days is None else expires_in_days
        if isinstance(days, bool) or not isinstance(days, int) or not 0 < days <= MAX_LIFETIME_DAYS:
            problems.append(
                Problem(
                    "expires_in_days",
                    expires_in_days,
                    f"a whole number of days from 1 to {MAX_LIFETIME_DAYS} (every token expires)",
                )
            )
        if len(label) > 128:
            problems.append(Problem("label", label, "at most 128 characters"))
        if problems:
            raise EupactError(problems)
        token = "eup_" + secrets.token_urlsafe(32)
        now = self.ctx.clock()
        with self.ctx.uow.tx() as session:
            row = TokenRow(
                token_hash=hash_token(token),
                role=str(role),
                state=state,
                label=label,
                created_at=now,
                revoked=False,
                expires_at=now + dt.timedelta(days=days),
            )
            session.add(row)
            session.flush()
            self.ctx.uow.audit_as(
                session, *OPERATOR, "token.create", "-", f"token:{row.id}", None, token_view(row)
            )
            info = _info(row, None)
        return token, info

    def all(self) -> list[TokenInfo]:
        """Every token, oldest first, with its dashboard's last sign-in."""
        signed_in = (
            select(WebSessionRow.token_id, func.max(WebSessionRow.created_at).label("last"))
            .group_by(WebSessionRow.token_id)
            .subquery()
        )
        query = (
            select(TokenRow, signed_in.c.last)
            .outerjoin(signed_in, signed_in.c.token_id == TokenRow.id)
            .order_by(TokenRow.id)
        )
        with self.ctx.uow.read() as session:
            return [_info(row, last) for row, last in session.execute(query).all()]

    def revoke(self, token_id: int) -> tuple[TokenInfo, bool]:
        """Revoke a token at once and end its dashboard sessions; says whether it was still in
        force (revoking it again changes nothing and is not audited again)."""
        now = self.ctx.clock()
        with self.ctx.uow.tx() as session:
            row = session.get(TokenRow, token_id)
            if row is None:
                raise NotFound(
                    [Problem("id", token_id, "no such token (eupact tokens list shows them)")],
                    "not found",
                )
            changed = not row.revoked
            if changed:
                before = token_view(row)
                row.revoked = True
                session.flush()
                after = token_view(row)
                entity = f"token:{row.id}"
                self.ctx.uow.audit_as(
                    session, *OPERATOR, "token.revoke", "-", entity, before, after
                )
            session.execute(
                update(WebSessionRow)
                .where(WebSessionRow.token_id == token_id, WebSessionRow.ended_at.is_(None))
                .values(ended_at=now)
            )
            info = _info(row, None)
        return info, changed

    def authenticate(self, token: str | None) -> Actor:
        actor, _ = self._accepted(token)
        return actor

    def _accepted(self, token: str | None) -> tuple[Actor, dt.datetime]:
        """The token's actor and when the token expires; refuses a missing, unknown, revoked or
        expired token (the refusal never echoes the token)."""
        if not token:
            raise Unauthorized(
                [Problem("Authorization", "", "send 'Authorization: Bearer <token>'")],
                "not authenticated",
            )
        # One indexed read per request (a revoked token is refused on its next request), on a
        # pooled connection without a Session; on PostgreSQL without BEGIN/ROLLBACK round trips.
        with self.ctx.uow.engine.connect() as conn:
            if conn.dialect.name != "sqlite":
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            row = conn.execute(_TOKEN, {"token_hash": hash_token(token)}).one_or_none()
        if row is None or row.revoked:
            raise Unauthorized([Problem("Authorization", "…", _UNKNOWN)], "not authenticated")
        ends = deadline(row.role, row.created_at, row.expires_at)
        if self.ctx.clock() >= ends:
            raise TokenExpired(
                [
                    Problem(
                        "Authorization",
                        "…",
                        f"the token expired on {ends:%Y-%m-%d %H:%M} UTC; ask for a new one "
                        "(eupact tokens create)",
                    )
                ],
                "not authenticated",
            )
        return Actor(f"token:{row.id}", Role(row.role), row.state), ends

    # -- dashboard sessions ------------------------------------------------------------------------

    def open_session(self, token: str) -> tuple[str, WebSession]:
        """Sign in to the dashboard with an API token: the session id for the cookie (shown
        once; only its hash is stored) and the session. Refuses the token as
        :meth:`authenticate` does."""
        actor, ends = self._accepted(token)
        token_id = int(actor.id.removeprefix("token:"))
        session_id = secrets.token_urlsafe(32)
        secret = secrets.token_hex(32)
        now = self.ctx.clock()
        with self.ctx.uow.tx() as session:
            session.execute(
                delete(WebSessionRow).where(WebSessionRow.expires_at < now - SESSIONS_KEPT)
            )
            session.add(
                WebSessionRow(
                    id=hash_token(session_id),
                    token_id=token_id,
                    created_at=now,
                    expires_at=min(now + SESSION_LIFETIME, ends),
                    ended_at=None,
                    csrf_secret=secret,
                )
            )
        return session_id, WebSession(actor, secret)

    def session(self, session_id: str) -> WebSession | None:
        """The signed-in visitor of a session cookie; None if the session is unknown, ended or
        expired, or its token revoked or expired. One indexed read."""
        if not session_id or len(session_id) > 128:
            return None
        with self.ctx.uow.engine.connect() as conn:
            if conn.dialect.name != "sqlite":
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            row = conn.execute(_SESSION, {"session_hash": hash_token(session_id)}).one_or_none()
        if row is None or row.ended_at is not None or row.revoked:
            return None
        now = self.ctx.clock()
        if now >= utc(row.session_expires_at):
            return None
        if now >= deadline(row.role, row.created_at, row.expires_at):
            return None
        return WebSession(
            Actor(f"token:{row.token_id}", Role(row.role), row.state), row.csrf_secret
        )

    def end_session(self, session_id: str) -> bool:
        """Sign out: the session's cookie no longer opens it, in any server process. Says
        whether a session was open."""
        if not session_id or len(session_id) > 128:
            return False
        with self.ctx.uow.tx() as session:
            ended = session.execute(
                update(WebSessionRow)
                .where(WebSessionRow.id == hash_token(session_id), WebSessionRow.ended_at.is_(None))
                .values(ended_at=self.ctx.clock())
            )
        return bool(ended.rowcount)  # type: ignore[attr-defined]


__all__ = [
    "DEFAULT_LIFETIME_DAYS",
    "MAX_LIFETIME_DAYS",
    "SESSION_LIFETIME",
    "TokenExpired",
    "TokenInfo",
    "Tokens",
    "WebSession",
    "deadline",
    "hash_token",
    "token_view",
]
