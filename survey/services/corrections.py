"""Evaluators correct the machine's themes; their decisions count and train the next codebook."""

from __future__ import annotations

from collections.abc import Collection

from survey.extensions import db
from survey.models import TagSource, Testimonial, ThemeTag, User
from survey.services.audit import record_event


def correct_themes(testimonial: Testimonial, themes: Collection[str], offered: Collection[str], person: User) -> None:
    """Record a person's decision on each offered theme: present (confidence 1) or absent (0)."""
    existing = {t.theme: t for t in testimonial.tags if t.source == TagSource.HUMAN}
    machine = {t.theme: t for t in testimonial.tags if t.source == TagSource.MACHINE}
    for theme in offered:
        present = theme in themes
        tag = existing.get(theme)
        if tag is None:
            tag = ThemeTag(theme=theme, source=TagSource.HUMAN, evidence=[])
            testimonial.tags.append(tag)
        tag.confidence = 1.0 if present else 0.0
        # Confirming the machine keeps the sentiment of the sentences it found; a theme the machine
        # missed gets the whole text's.
        found = machine.get(theme)
        tag.polarity = (found.polarity if found else testimonial.polarity) if present else None
        tag.created_by_id = person.id
    record_event(
        "correct_themes", actor=person, target_type="testimonial", target_id=testimonial.id, themes=sorted(themes)
    )
    db.session.flush()
