"""API tokens: personal credentials beside the password, stored only as their SHA-256.

Issued from settings (focus/services/tokens.py) or with a password (POST /api/v1/auth/token),
checked on every API request (api/auth.py).
"""
import hashlib
import secrets

from sqlalchemy import select, update

from ..extensions import db
from ..models import ApiToken, User, utcnow

TOKEN_PREFIX = "fr_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, name: str = "API token") -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name[:60] or "API token", token_hash=hash_token(raw), prefix=raw[:10])
    db.session.add(token)
    db.session.commit()
    return token, raw


def user_for_token(raw: str) -> User | None:
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_token(raw), ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if token is None:
        return None
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id)
                       .values(last_used_at=utcnow(), uses=ApiToken.uses + 1))
    db.session.commit()
    return db.session.get(User, token.user_id)


def token_owner(raw: str) -> User | None:
    """Whose live token this is, without counting a use (rate-limit keys look before the view)."""
    return db.session.execute(select(User).join(ApiToken, ApiToken.user_id == User.id).where(
        ApiToken.token_hash == hash_token(raw), ApiToken.revoked_at.is_(None))).scalar_one_or_none()
