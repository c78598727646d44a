"""flask export --background: the same files as the direct export, written by chunks; resumed; cleaned up."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from survey.models import AuditEvent, Job, JobStatus
from survey.models.base import utcnow
from survey.services.export_jobs import job_folder
from tests.services.test_export_jobs import stories, workbook_members


def test_a_background_export_writes_the_direct_exports_files(runner, make_response, tmp_path, db):
    stories(make_response)
    direct, background = tmp_path / "direct.csv", tmp_path / "background.csv"
    assert runner.invoke(args=["export", "community-safety", "--format", "csv", "-o", str(direct)]).exit_code == 0
    args = ["export", "community-safety", "--format", "csv", "-o", str(background), "--background", "--chunk", "4"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "13/13 responses, 5/5 chunks, 100% done" in result.output and "background-tags.csv" in result.output
    assert background.read_bytes() == direct.read_bytes()
    assert (tmp_path / "background-tags.csv").read_bytes() == (tmp_path / "direct-tags.csv").read_bytes()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)).all()
    assert [(e.detail["format"], e.detail.get("job")) for e in events] == [
        ("csv", None),
        ("csv", events[1].detail["job"]),
    ]
    books = tmp_path / "direct.xlsx", tmp_path / "background.xlsx"
    assert runner.invoke(args=["export", "community-safety", "-o", str(books[0]), "--for-publication"]).exit_code == 0
    args = ["export", "community-safety", "-o", str(books[1]), "--for-publication", "--background", "--chunk", "5"]
    assert runner.invoke(args=args).exit_code == 0
    assert workbook_members(books[1].read_bytes()) == workbook_members(books[0].read_bytes())


def test_a_failed_background_export_is_resumed(runner, make_response, tmp_path, db, monkeypatch):
    stories(make_response)
    out = tmp_path / "out.csv"

    def broken(work):
        raise OSError("disk full")

    monkeypatch.setattr("survey.tasks.write_part", broken)
    args = ["export", "community-safety", "--format", "csv", "-o", str(out), "--background"]
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and "disk full" in result.output and "--resume" in result.output
    job = db.session.scalars(select(Job)).one()
    assert job.status == JobStatus.FAILED and not out.exists()
    monkeypatch.undo()
    result = runner.invoke(args=["export", "community-safety", "-o", str(out), "--resume", str(job.id)])
    assert result.exit_code == 0, result.output
    assert out.exists() and (tmp_path / "out-tags.csv").exists()
    result = runner.invoke(args=["export", "elsewhere", "-o", str(out), "--resume", str(job.id)])
    assert result.exit_code != 0 and f"no export job {job.id} of survey 'elsewhere'" in result.output
    result = runner.invoke(args=["export", "community-safety", "--format", "qdpx", "-o", str(out), "--background"])
    assert result.exit_code != 0 and "--background prepares csv or xlsx" in result.output


def test_old_exports_are_deleted_by_a_command(runner, make_response, tmp_path, db):
    stories(make_response)
    args = ["export", "community-safety", "--format", "csv", "-o", str(tmp_path / "out.csv"), "--background"]
    assert runner.invoke(args=args).exit_code == 0
    job = db.session.scalars(select(Job)).one()
    folder = job_folder(job)
    assert folder.is_dir()
    assert "Deleted 0 prepared exports" in runner.invoke(args=["delete-old-exports"]).output
    db.session.execute(update(Job).values(finished_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    assert "Deleted 1 prepared exports older than 7 days" in runner.invoke(args=["delete-old-exports"]).output
    assert not folder.exists() and db.session.scalars(select(Job)).all() == []
