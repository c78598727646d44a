"""Learn a codebook from coded testimonies (a file or evaluators' corrections) and keep it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import g
from sqlalchemy import select, update

from survey.analysis.evaluation import read_labelled
from survey.analysis.learned import CodedExample, LearnedCodebook, train_codebook
from survey.extensions import db
from survey.models import LearnedModel, TagSource, Testimonial, ThemeTag


def examples_from_file(path: str | Path) -> list[CodedExample]:
    """The coded texts of a JSONL or CSV file (rows without themes are left out)."""
    return [CodedExample(r.text, r.themes) for r in read_labelled(path) if r.themes is not None]


def examples_from_corrections() -> list[CodedExample]:
    """Testimonies that a person coded in Voces, with the themes that person gave."""
    coded = db.session.scalars(
        select(Testimonial).where(
            Testimonial.id.in_(select(ThemeTag.testimonial_id).where(ThemeTag.source == TagSource.HUMAN))
        )
    )
    return [
        CodedExample(t.redacted_text, frozenset(tag.theme for tag in t.effective_tags if "." not in tag.theme))
        for t in coded
    ]


def store_learned(model: LearnedCodebook, source: str, *, activate: bool = True) -> LearnedModel:
    """Keep a trained codebook; the active one is used for new testimonies."""
    if activate:
        db.session.execute(update(LearnedModel).values(active=False))
    row = LearnedModel(
        version=model.version,
        source=source[:200],
        labels=list(model.labels),
        examples=model.examples,
        scores=model.scores,
        trained_at=model.trained_at,
        active=activate,
        payload=model.dumps(),
    )
    db.session.add(row)
    db.session.flush()
    forget_active_learned()
    return row


def learn_codebook(examples: list[CodedExample], source: str, *, activate: bool = True) -> LearnedModel:
    """Train on coded examples and store the result."""
    return store_learned(train_codebook(examples), source, activate=activate)


def active_learned() -> LearnedCodebook | None:
    """The active learned codebook, looked up once per request or command, loaded once per process."""
    if "active_learned" not in g:
        with db.session.no_autoflush:
            row = db.session.execute(select(LearnedModel.id, LearnedModel.version).where(LearnedModel.active)).first()
        g.active_learned = _load(row.id, row.version) if row else None
    learned: LearnedCodebook | None = g.active_learned
    return learned


def forget_active_learned() -> None:
    """Look the active codebook up again (after training a new one)."""
    g.pop("active_learned", None)


@lru_cache(maxsize=2)
def _load(model_id: int, version: str) -> LearnedCodebook:
    payload = db.session.scalar(select(LearnedModel.payload).where(LearnedModel.id == model_id))
    assert payload is not None
    return LearnedCodebook.loads(payload)


def list_learned() -> list[LearnedModel]:
    """Every stored learned codebook, newest first."""
    return list(db.session.scalars(select(LearnedModel).order_by(LearnedModel.trained_at.desc())))
