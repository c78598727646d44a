"""The flask CLI commands."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import AuditEvent, Indicator, IndicatorValue, Response, Role, User
from survey.services.demo import EXAMPLE_SURVEY, INDICATORS_FILE


def test_users_create_takes_the_password_from_the_environment(runner, db, monkeypatch):
    monkeypatch.setenv("VOCES_PASSWORD", "a-long-enough-password")
    result = runner.invoke(args=["users", "create", "Ana@Example.org", "--role", "evaluator"])
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert user.email == "ana@example.org" and user.role == Role.EVALUATOR
    assert user.check_password("a-long-enough-password")
    assert "a-long-enough-password" not in user.password_hash


def test_users_create_asks_for_the_password_twice(runner, db, monkeypatch):
    monkeypatch.delenv("VOCES_PASSWORD", raising=False)
    result = runner.invoke(
        args=["users", "create", "b@example.org", "--role", "admin"], input="pass-word-123\npass-word-123\n"
    )
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output
    assert db.session.scalars(select(User)).one().check_password("pass-word-123")


def test_users_create_refuses_a_short_password_and_a_duplicate(runner, db, monkeypatch):
    monkeypatch.setenv("VOCES_PASSWORD", "short")
    assert "at least" in runner.invoke(args=["users", "create", "c@example.org", "--role", "admin"]).output
    monkeypatch.setenv("VOCES_PASSWORD", "long-enough-pass")
    runner.invoke(args=["users", "create", "c@example.org", "--role", "admin"])
    again = runner.invoke(args=["users", "create", "C@example.org", "--role", "admin"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_users_create_refuses_two_different_passwords(runner, db, monkeypatch):
    monkeypatch.delenv("VOCES_PASSWORD", raising=False)
    result = runner.invoke(
        args=["users", "create", "e@example.org", "--role", "admin"], input="one-password-1\nother-password\n"
    )
    assert result.exit_code != 0
    assert db.session.scalars(select(User)).all() == []


def test_users_create_refuses_an_unknown_role(runner):
    result = runner.invoke(args=["users", "create", "d@example.org", "--role", "king"])
    assert result.exit_code != 0


def test_surveys_import_and_list(runner, db):
    result = runner.invoke(args=["surveys", "import", str(EXAMPLE_SURVEY), "--publish"])
    assert result.exit_code == 0, result.output
    assert "published" in result.output
    listing = runner.invoke(args=["surveys", "list"]).output
    assert "community-safety\tpublished\t2026.12.1" in listing


def test_surveys_import_reports_a_broken_file(runner, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("form_id: x\nversion: '1'\ntitle: {en: X}\nquestions:\n  - {name: a, type: range}\n")
    result = runner.invoke(args=["surveys", "import", str(broken)])
    assert result.exit_code != 0 and "type 'range' is not supported" in result.output


def test_demo_load_brings_its_indicators_once(runner, db):
    for _ in range(2):
        assert runner.invoke(args=["demo", "load", "--responses", "1"]).exit_code == 0
    lines = INDICATORS_FILE.read_text(encoding="utf-8").splitlines()[1:]
    assert len(db.session.scalars(select(IndicatorValue)).all()) == len(lines)
    assert {i.name for i in db.session.scalars(select(Indicator))} == {line.split(";")[0] for line in lines}
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import_indicators")).all()) == 1


def test_demo_load_is_idempotent(runner, db):
    first = runner.invoke(args=["demo", "load", "--responses", "12"])
    assert first.exit_code == 0, first.output
    assert "evaluator@voces.example" in first.output
    runner.invoke(args=["demo", "load", "--responses", "12"])
    responses = db.session.scalars(select(Response)).all()
    assert len(responses) == 12
    assert {r.language for r in responses} == {"en", "es"}
    assert sorted(u.role.value for u in db.session.scalars(select(User))) == [
        "admin",
        "evaluator",
        "field_worker",
        "lead_evaluator",
    ]


def test_codebook_export_writes_the_codebook_in_use(runner, db, make_user, tmp_path):
    from survey.analysis.codebook import load_codebook
    from survey.services.engine import forget_current_engine
    from survey.services.theme_terms import current_terms, save_theme_terms

    terms = current_terms("stigma")
    assert "shunned" not in terms["terms"]["en"]
    terms["terms"]["en"] = [*terms["terms"]["en"], "shunned"]
    assert save_theme_terms("stigma", terms, make_user(Role.ADMIN)) is not None
    db.session.commit()
    forget_current_engine()
    path = tmp_path / "codebook.yaml"
    result = runner.invoke(args=["codebook", "export", "-o", str(path)])
    assert result.exit_code == 0, result.output
    book = load_codebook(path)
    assert "shunned" in [t.source for t in book.by_key["stigma"].terms] and book.version.endswith("+v1")
    shown = runner.invoke(args=["codebook", "export"])
    assert shown.exit_code == 0 and "shunned" in shown.output
