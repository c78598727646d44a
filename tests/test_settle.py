"""A serving process loads what it keeps for its life before its first request, then sets it aside from
the garbage collector: gunicorn.conf.py's post_worker_init for a web worker, the first task for a Celery
worker (survey.app.settle_process)."""

from __future__ import annotations

import gc
import runpy
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

import survey.services.engine as engine_module
from survey import create_app
from survey.analysis.persons import name_lists
from tests import ROOT


class _Engine:
    def __init__(self) -> None:
        self.warmed = 0
        self.fails = False

    def warm_up(self) -> None:
        if self.fails:
            raise ConnectionError("the database does not answer")
        self.warmed += 1


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Engine]:
    """The analysis engine, counting its warm-ups (loading the real models is another test's work)."""
    fake = _Engine()
    monkeypatch.setattr(engine_module, "current_engine", lambda: fake)
    gc.unfreeze()
    yield fake
    gc.unfreeze()  # what a test froze goes back to the collector


def _post_worker_init() -> Callable[[Any], None]:
    hook: Callable[[Any], None] = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"]
    return hook


def test_a_gunicorn_worker_loads_the_name_lists_and_the_models_then_freezes(app: Flask, engine: _Engine) -> None:
    name_lists.cache_clear()
    assert gc.get_freeze_count() == 0
    _post_worker_init()(SimpleNamespace(wsgi=app))
    assert name_lists.cache_info().currsize == 1, "the redaction's name lists are read before the first request"
    assert engine.warmed == 1, "with no broker, this process analyses: its models are loaded too"
    assert gc.get_freeze_count() > 0


def test_a_gunicorn_worker_with_a_broker_leaves_the_models_to_the_workers(engine: _Engine) -> None:
    app = create_app("testing", CELERY_BROKER_URL="redis://127.0.0.1:1/0")  # never reached: nothing is sent
    _post_worker_init()(SimpleNamespace(wsgi=app))
    assert engine.warmed == 0
    assert gc.get_freeze_count() > 0


def test_a_gunicorn_worker_serving_another_application_is_left_alone(engine: _Engine) -> None:
    _post_worker_init()(SimpleNamespace(wsgi=lambda environ, start_response: []))
    assert gc.get_freeze_count() == 0


def test_a_gunicorn_worker_that_cannot_load_its_models_still_serves(app: Flask, engine: _Engine) -> None:
    engine.fails = True
    logged: list[str] = []
    worker = SimpleNamespace(wsgi=app, log=SimpleNamespace(exception=logged.append))
    _post_worker_init()(worker)  # gunicorn would stop every worker, and itself, on an exception here
    assert logged == ["Voces could not load its models before its first request"]
