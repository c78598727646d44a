"""One cache for the current engine: the same object until the codebook file or the learned model changes."""

from __future__ import annotations

import os
import shutil

from survey.services.engine import codebook, current_engine, forget_current_engine
from survey.services.learning import examples_from_file, learn_codebook
from tests import ROOT

OWN = ROOT / "tests" / "data" / "testimonies_labelled.jsonl"


def _next_lookup():
    forget_current_engine()  # as a new request or command does
    return current_engine()


def test_lookups_give_the_same_engine_until_something_changes(db):
    first = current_engine()
    assert current_engine() is first
    assert _next_lookup() is first
    assert codebook() is first.codebook


def test_editing_the_codebook_file_gives_a_new_engine(app, db, tmp_path, monkeypatch):
    path = tmp_path / "codebook.yaml"
    shutil.copy(app.config["CODEBOOK_PATH"], path)
    monkeypatch.setitem(app.config, "CODEBOOK_PATH", str(path))
    first = _next_lookup()
    assert current_engine() is first
    edited = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(edited, edited))
    assert current_engine() is first  # looked up once per request: the edit shows on the next one
    second = _next_lookup()
    assert second is not first and second.codebook is not first.codebook
    assert _next_lookup() is second


def test_activating_a_learned_codebook_gives_a_new_engine(db):
    first = _next_lookup()
    assert first.learned is None
    row = learn_codebook(examples_from_file(OWN), OWN.name)
    second = current_engine()  # training forgets the engine of this request
    assert second is not first and second.learned is not None
    assert second.codebook_version == f"{first.codebook.version}+{row.version}"
    assert _next_lookup() is second
