"""Record sensitive actions in the audit log."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, User


def record_event(
    action: str,
    *,
    actor: User | None = None,
    target_type: str | None = None,
    target_id: object = None,
    **detail: Any,
) -> AuditEvent:
    """Append an event: who did what to which record, and from which address."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None and actor.is_authenticated else None,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        ip=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
    db.session.add(event)
    db.session.flush()
    return event


def recent_events(limit: int = 200) -> list[AuditEvent]:
    """The latest events, newest first."""
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))


def people_named_in(events: list[AuditEvent]) -> dict[int, User]:
    """The accounts the events name, as the one who acted or as the account acted on, by id."""
    ids = {event.actor_id for event in events if event.actor_id is not None}
    ids |= {
        int(event.target_id)
        for event in events
        if event.target_type == "user" and event.target_id is not None and event.target_id.isdigit()
    }
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}
