"""Per-device tokens for tablets: shown once, stored as a hash, revocable by an administrator."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from survey.extensions import db
from survey.models import Device, User
from survey.models.base import utcnow
from survey.services.audit import record_event

TOKEN_PREFIX = "vdt_"
# When a device was last seen is shown to the minute: a tablet syncing batch after batch updates its row
# once a minute, not once a request (a write, and a lock other requests from it would wait on).
SEEN_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def register_device(user: User, name: str) -> tuple[Device, str]:
    """Create a device for a person; returns it with its token, which is never stored in clear."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    device = Device(user=user, name=name.strip()[:120] or "tablet", token_hash=_digest(token))
    db.session.add(device)
    db.session.flush()
    record_event("register_device", actor=user, target_type="device", target_id=device.id, name=device.name)
    return device, token


def device_for_token(token: str) -> Device | None:
    """The active device this token belongs to, noting when it was last seen (to the minute)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    query = select(Device).options(joinedload(Device.user)).where(Device.token_hash == _digest(token))
    device = db.session.scalar(query)  # with its person: every request asks for their role
    if device is None or not device.active:
        return None
    now = utcnow()
    if device.last_seen_at is None or now - device.last_seen_at >= SEEN_EVERY:
        device.last_seen_at = now
    return device


def revoke_device(device: Device, by: User) -> None:
    """Stop a device's token from working, and log its owner out everywhere; stored records stay.

    A lost tablet still holds its owner's session cookie, with which the field app would register
    itself again at once: revoking means nothing until the holder proves the password again.
    """
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        device.user.end_sessions()
        record_event("revoke_device", actor=by, target_type="device", target_id=device.id)
    db.session.flush()


def list_devices() -> list[Device]:
    """Every device, newest first."""
    return list(db.session.scalars(select(Device).order_by(Device.created_at.desc())))
