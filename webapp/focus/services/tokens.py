"""API tokens as the settings page manages them (issuing and checking live in webapp.accounts.tokens)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from ...accounts.tokens import issue_token
from ...extensions import db
from ...models import ApiToken, User, utcnow
from ...textrules import NOT_VISIBLE_MESSAGE, clean_text, has_visible
from .errors import NotFound, Problems

MAX_TOKEN_NAME_LENGTH = 60


def active_tokens(user: User) -> list[ApiToken]:
    return list(db.session.execute(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).scalars())


def create_token(user: User, name) -> tuple[ApiToken, str]:
    """A new token and its raw value, which is shown once and never stored."""
    problems = Problems()
    name = clean_text(name or "") if isinstance(name, str) or name is None else None
    if name is None:
        problems.add("name", "The name must be text.")
    elif name and not has_visible(name):
        problems.add("name", NOT_VISIBLE_MESSAGE)
    elif len(name) > MAX_TOKEN_NAME_LENGTH:
        problems.add("name", f"Use at most {MAX_TOKEN_NAME_LENGTH} characters.")
    problems.raise_if_any()
    return issue_token(user, name or "API token")


def revoke_token(user: User, token_id: int, *, now: datetime | None = None) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound("There is no such token.")
    token.revoked_at = now or utcnow()
    db.session.commit()
    return token


def revoke_all_tokens(user: User, *, now: datetime | None = None) -> int:
    """Revoke every live token of the user (one commit); returns how many were revoked."""
    result = db.session.execute(update(ApiToken)
                                .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                                .values(revoked_at=now or utcnow()))
    db.session.commit()
    return result.rowcount or 0
