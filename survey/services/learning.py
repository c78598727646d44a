"""Learn a codebook from coded testimonies (a file or evaluators' corrections) and keep it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from survey.analysis.evaluation import read_labelled
from survey.analysis.learned import CodedExample, LearnedCodebook, train_codebook
from survey.extensions import db
from survey.models import LearnedModel, TagSource, Testimonial, ThemeTag
from survey.services.engine import forget_current_engine


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
    forget_current_engine()
    return row


def learn_codebook(examples: list[CodedExample], source: str, *, activate: bool = True) -> LearnedModel:
    """Train on coded examples and store the result."""
    return store_learned(train_codebook(examples), source, activate=activate)


def list_learned() -> list[LearnedModel]:
    """Every stored learned codebook, newest first."""
    return list(db.session.scalars(select(LearnedModel).order_by(LearnedModel.trained_at.desc())))
