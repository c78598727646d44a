"""What this browser sent: a double tap shows its own receipt, never another resident's.

The session (signed, not encrypted, and shared by whoever uses the browser next) keeps only the
form ids it was given, the ids it stored, and a keyed digest of the answers it stored: never an
answer, and a receipt code only until the thank-you page shows it once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import timedelta

from flask import current_app, session

from survey.models import Response
from survey.models.base import utcnow

ISSUED, SENT, RECEIPT = "forms_issued", "forms_sent", "receipt"
KEPT = 5  # form ids and digests remembered: enough for a few surveys in one sitting
DOUBLE_TAP = timedelta(minutes=10)  # a resend of the browser's own form after this is a new resident's


def remember_issued(form_uuid: str) -> None:
    """The form shown to this browser carries this id."""
    session[ISSUED] = [*session.get(ISSUED, []), form_uuid][-KEPT:]


def answers_digest(slug: str, answers: Mapping[str, object]) -> str:
    """A keyed digest of a submission's answers: the cookie must not let anyone guess them."""
    canonical = json.dumps({"survey": slug, "answers": answers}, sort_keys=True, default=str)
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def is_own(response: Response) -> bool:
    """Whether a stored response is this browser's, sent moments ago (a double tap, a resend)."""
    mine = response.uuid in session.get(ISSUED, []) or response.uuid in [u for u, _ in session.get(SENT, [])]
    return mine and response.received_at >= utcnow() - DOUBLE_TAP


def is_repeat(slug: str, answers: Mapping[str, object]) -> bool:
    """Whether this browser already sent exactly these answers (going back and sending again)."""
    digest = answers_digest(slug, answers)
    return any(hmac.compare_digest(digest, sent) for _, sent in session.get(SENT, []))


def remember_sent(slug: str, response: Response, answers: Mapping[str, object]) -> None:
    """This browser stored a response: its receipt is shown once, its id and digest kept a while."""
    session[SENT] = [*session.get(SENT, []), [response.uuid, answers_digest(slug, answers)]][-KEPT:]
    session[RECEIPT] = {"survey": slug, "code": response.receipt_code}


def take_receipt(slug: str) -> str | None:
    """The receipt to show on this survey's thank-you page, once: a reload or the next user sees none."""
    receipt = session.pop(RECEIPT, None)
    if isinstance(receipt, dict) and receipt.get("survey") == slug:
        return str(receipt.get("code") or "") or None
    return None
