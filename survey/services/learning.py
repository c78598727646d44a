"""Learn a codebook from coded testimonies (a file or evaluators' corrections) and keep it."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.orm import defer

from survey.analysis.evaluation import read_labelled
from survey.analysis.learned import CodedExample, LearnedCodebook, f1_scores, train_codebook
from survey.extensions import db
from survey.models import LearnedModel, TagSource, Testimonial, ThemeTag, User
from survey.services.audit import record_event
from survey.services.engine import current_engine, forget_current_engine

CORRECTIONS = "corrections"  # the source of a codebook learned from the themes people gave in Voces


def examples_from_file(path: str | Path) -> list[CodedExample]:
    """The coded texts of a JSONL or CSV file (rows without themes are left out)."""
    return [CodedExample(r.text, r.themes) for r in read_labelled(path) if r.themes is not None]


def _corrected() -> list[Testimonial]:
    """Testimonies that a person coded in Voces, in id order."""
    return list(
        db.session.scalars(
            select(Testimonial)
            .where(Testimonial.id.in_(select(ThemeTag.testimonial_id).where(ThemeTag.source == TagSource.HUMAN)))
            .order_by(Testimonial.id)
        )
    )


def _example(testimonial: Testimonial) -> CodedExample:
    themes = frozenset(tag.theme for tag in testimonial.effective_tags if "." not in tag.theme)
    return CodedExample(testimonial.redacted_text, themes)


def examples_from_corrections() -> list[CodedExample]:
    """Testimonies that a person coded in Voces, with the themes that person gave."""
    return [_example(t) for t in _corrected()]


def corrections_to_learn() -> tuple[list[CodedExample], list[int]]:
    """The corrections as examples, and the ids of the testimonies they come from (kept with the codebook,
    so that withdrawing one of them drops the codebook)."""
    coded = _corrected()
    return [_example(t) for t in coded], [t.id for t in coded]


def still_stored(testimonial_ids: Collection[int]) -> bool:
    """Whether every one of these testimonies is still stored (none was withdrawn meanwhile)."""
    ids = set(testimonial_ids)
    found = db.session.scalar(select(func.count(Testimonial.id)).where(Testimonial.id.in_(ids))) if ids else 0
    return found == len(ids)


def score_current(examples: Collection[CodedExample], labels: Collection[str]) -> dict[str, Any]:
    """How well the themes Voces gives today (default codebook, with the active learned codebook if any)
    agree with people's on these examples: macro, micro and per-label F1, as a new codebook is scored.

    The texts are analysed afresh, so a person's correction on a testimony does not score the machine
    as right; an active codebook that learned from some of these texts is flattered by them.
    """
    names = sorted(labels)
    if not examples or not names:
        return {"macro_f1": 0.0, "micro_f1": 0.0, "per_theme": dict.fromkeys(names, 0.0)}
    analyses = current_engine().analyse_batch([example.text for example in examples])
    truth = np.array([[name in example.themes for name in names] for example in examples])
    found = [{result.match.theme for result in analysis.themes} for analysis in analyses]
    predicted = np.array([[name in themes for name in names] for themes in found])
    return f1_scores(truth, predicted, names)


def with_current_scores(model: LearnedCodebook, examples: Collection[CodedExample]) -> LearnedCodebook:
    """The model with, beside its own held-out scores, those of the tagging it would replace."""
    model.scores["before"] = score_current(examples, model.labels)
    return model


def activate_learned(row: LearnedModel, *, by: User | None) -> None:
    """Use this learned codebook for new testimonies from now on (an administrator accepted it)."""
    db.session.execute(update(LearnedModel).where(LearnedModel.id != row.id).values(active=False))
    row.active = True
    db.session.flush()
    forget_current_engine()
    record_event("activate_learned", actor=by, target_type="learned_model", target_id=row.id, version=row.version)


def store_learned(
    model: LearnedCodebook, source: str, *, activate: bool = True, trained_on: list[int] | None = None
) -> LearnedModel:
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
        trained_on=trained_on,
    )
    db.session.add(row)
    db.session.flush()
    forget_current_engine()
    return row


def learn_codebook(examples: list[CodedExample], source: str, *, activate: bool = True) -> LearnedModel:
    """Train on coded examples and store the result."""
    return store_learned(train_codebook(examples), source, activate=activate)


def learn_from_corrections(*, activate: bool = True) -> LearnedModel:
    """Train on the corrections made in Voces and store the result with the testimonies it learned from."""
    coded = _corrected()
    examples = [_example(t) for t in coded]
    model = with_current_scores(train_codebook(examples), examples)
    return store_learned(model, CORRECTIONS, activate=activate, trained_on=[t.id for t in coded])


def models_trained_on(testimonial_ids: Collection[int]) -> list[LearnedModel]:
    """The stored codebooks whose training texts included any of these testimonies.

    Only corrected testimonies are ever trained on. A codebook stored before its training texts were
    recorded counts as trained on every testimony corrected before it was learned, as it was.
    """
    ids = set(testimonial_ids)
    first_corrected = (
        db.session.scalar(
            select(func.min(ThemeTag.created_at)).where(
                ThemeTag.testimonial_id.in_(ids), ThemeTag.source == TagSource.HUMAN
            )
        )
        if ids
        else None
    )
    if first_corrected is None:
        return []
    models = db.session.scalars(
        select(LearnedModel).where(LearnedModel.source == CORRECTIONS).options(defer(LearnedModel.payload))
    )
    return [
        model
        for model in models
        if (ids.intersection(model.trained_on) if model.trained_on is not None else first_corrected <= model.trained_at)
    ]


def drop_learned(models: Collection[LearnedModel]) -> LearnedModel | None:
    """Delete codebooks whose training texts must not survive; if the active one goes, learn another.

    A learned codebook is made from its training texts throughout: its vocabulary holds their words
    and character sequences, and every weight, document frequency and threshold is computed from them.
    No part of it can be taken out, so the whole codebook goes, active or not. When the active one
    goes, a new one is learned at once from the corrections that remain, so new testimonies keep being
    tagged with what evaluators taught; it returns that one, or None when too few corrections remain
    (new testimonies are then tagged by the configured codebook alone until one is learned again).
    """
    was_active = any(model.active for model in models)
    for model in models:
        db.session.delete(model)
    db.session.flush()
    forget_current_engine()
    if not was_active:
        return None
    try:
        return learn_from_corrections()
    except ValueError:  # fewer than a handful of corrections left, or no theme coded often enough
        return None


def list_learned() -> list[LearnedModel]:
    """Every stored learned codebook, newest first."""
    return list(db.session.scalars(select(LearnedModel).order_by(LearnedModel.trained_at.desc())))
