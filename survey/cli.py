"""Command-line tools: thin click commands over the services."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from survey.analysis import load_codebook
from survey.analysis.evaluation import (
    LabelledDataError,
    evaluate_engine,
    format_report,
    read_labelled,
)
from survey.analysis.redaction_scores import read_texts, redaction_record
from survey.extensions import db
from survey.models import Job, JobKind, JobStatus, Role, User
from survey.services.backups import BackupError, back_up, restore
from survey.services.calibration import TooFewDecisions, refit_from_corrections
from survey.services.demo import DEMO_PASSWORD, DemoResult, load_demo
from survey.services.demo_load import prepare_demo_at_scale, refresh_after_bulk_load
from survey.services.engine import calibration_path
from survey.services.jobs import CHUNK_SIZE, enqueue_job, get_job, pending_chunks, resume_job, start_rerun
from survey.services.learning import (
    examples_from_file,
    learn_codebook,
    learn_from_corrections,
)
from survey.services.sites import SiteImportError, import_sites, list_sites, read_sites_file, site_places
from survey.services.surveys import (
    SurveyImportError,
    SurveyNotFoundError,
    export_xlsform,
    export_yaml,
    import_survey,
    list_surveys,
    read_survey,
)
from survey.services.users import (
    AccountError,
    change_role,
    create_user,
    deactivate_user,
    find_user,
    reactivate_user,
    set_password,
    unlock_user,
)
from survey.tasks import run_job_chunk

users_cli = AppGroup("users", help="Manage accounts.")
surveys_cli = AppGroup("surveys", help="Import, export and list surveys.")
demo_cli = AppGroup("demo", help="Demo data for trying Voces out.")
analysis_cli = AppGroup("analysis", help="Run and measure the analysis engine.")
FOLLOW_INTERVAL_S = 0.5


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
def create_user_command(email: str, role: str) -> None:
    """Create an account; the password comes from VOCES_PASSWORD or is asked twice."""
    password = os.environ.get("VOCES_PASSWORD") or click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, password, role)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.value}).")


def _account(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    return user


def _change_account(email: str, change: Callable[[User], object], done: str) -> None:
    """Apply a change to an account, commit it (audited, from the command line) and say what was done."""
    user = _account(email)
    try:
        change(user)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(done.format(email=user.email, role=user.role.value))


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_user_command(email: str) -> None:
    """Stop an account from logging in and log it out everywhere; its records stay."""
    _change_account(email, lambda user: deactivate_user(user, by=None), "Deactivated {email}.")


@users_cli.command("reactivate")
@click.argument("email")
def reactivate_user_command(email: str) -> None:
    """Let a deactivated account log in again."""
    _change_account(email, lambda user: reactivate_user(user, by=None), "Reactivated {email}.")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role_command(email: str, role: str) -> None:
    """Give an account another role and log it out everywhere."""
    _change_account(email, lambda user: change_role(user, role, by=None), "{email} is now {role}.")


@users_cli.command("unlock")
@click.argument("email")
def unlock_user_command(email: str) -> None:
    """Lift the lock-out that too many failed logins put on an account."""
    _change_account(email, lambda user: unlock_user(user, by=None), "Unlocked {email}.")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--temporary", is_flag=True, help="Make the person choose their own password at their next login.")
def set_password_command(email: str, temporary: bool) -> None:
    """Set a password (from VOCES_PASSWORD or asked twice) and log the account out everywhere."""
    user = _account(email)
    password = os.environ.get("VOCES_PASSWORD") or click.prompt("Password", hide_input=True, confirmation_prompt=True)
    _change_account(
        user.email, lambda user: set_password(user, password, by=None, temporary=temporary), "New password for {email}."
    )


@surveys_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--publish", is_flag=True, help="Make this version the one residents answer.")
@click.option(
    "--choices",
    "choice_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A CSV file the XLSForm's select_one_from_file rows, pulldata() or instance() name (repeatable); "
    "else read beside the form.",
)
def import_survey_command(path: str, publish: bool, choice_files: tuple[str, ...]) -> None:
    """Import a survey (YAML, or an XLSForm .xlsx with its CSV choice lists) as a new version."""
    try:
        survey_file = read_survey(path, {Path(f).name: Path(f).read_bytes() for f in choice_files})
        version = import_survey(survey_file.definition, publish=publish)
    except SurveyImportError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    for warning in survey_file.warnings:
        click.echo(f"Warning: {warning}", err=True)
    state = "published" if version.published_at else "draft"
    click.echo(f"Imported {version.survey.slug} version {version.version} ({state}).")


@surveys_cli.command("export")
@click.argument("slug")
@click.option("--xlsform", is_flag=True, help="Write an XLSForm workbook instead of YAML.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (YAML shows without it).")
def export_survey_command(slug: str, xlsform: bool, output: str | None) -> None:
    """Write a survey's current version as YAML or as an XLSForm that imports back the same."""
    try:
        if xlsform:
            path = output or f"{slug}.xlsx"
            for warning in export_xlsform(slug, path):
                click.echo(f"Warning: {warning}", err=True)
            click.echo(f"Wrote {path}.")
        elif output:
            Path(output).write_text(export_yaml(slug), encoding="utf-8")
            click.echo(f"Wrote {output}.")
        else:
            click.echo(export_yaml(slug), nl=False)
    except SurveyNotFoundError as error:
        raise click.ClickException(str(error)) from None


@surveys_cli.command("list")
def list_surveys_command() -> None:
    """List surveys with their status and current version."""
    for survey, version in list_surveys():
        click.echo(f"{survey.slug}\t{survey.status.value}\t{version.version if version else '-'}")


@demo_cli.command("load")
@click.option(
    "--responses",
    type=click.IntRange(min=1),
    help="Demo responses to create, written in bulk over hundreds of sites (a million in minutes). "
    "Without it: the small demo, 300 responses.",
)
def load_demo_command(responses: int | None) -> None:
    """Load demo sites, the example survey, demo accounts and demo responses."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("demo accounts have a published password: not in production")
    if responses is None:
        result = load_demo()
        db.session.commit()
    else:
        result = _load_demo_at_scale(responses)
    click.echo(f"Demo data ready: {result.responses} new responses.")
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, role in result.accounts:
        click.echo(f"  {role.value:<15} {email}")


def _load_demo_at_scale(responses: int) -> DemoResult:
    """Write demo responses in bulk, one transaction per chunk, saying how far it has got."""
    load = prepare_demo_at_scale(responses)
    db.session.commit()
    if not load.result.responses:
        return load.result
    start = time.perf_counter()
    for written in load.chunks():
        db.session.commit()
        seconds = time.perf_counter() - start
        click.echo(f"  {written:>10,} of {load.result.responses:,} responses  {written / seconds:8,.0f}/s")
    refresh_after_bulk_load(load)  # the one refresh after a bulk load: whatever is derived from the rows
    db.session.commit()
    click.echo(f"Loaded in {time.perf_counter() - start:.0f} s.")
    return load.result


@analysis_cli.command("evaluate")
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--train",
    "train_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Learn a codebook from these labels and score it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON object.")
def evaluate_command(data: str, train_path: str | None, as_json: bool) -> None:
    """Score themes, sentiment and speed against labelled texts (JSONL: text, themes, sentiment, language)."""
    try:
        rows = read_labelled(data)
        train = read_labelled(train_path) if train_path else None
        report = evaluate_engine(rows, load_codebook(current_app.config["CODEBOOK_PATH"]), train)
    except (LabelledDataError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(report))
        return
    click.echo(format_report(report, len(rows)))


@analysis_cli.command("redact")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object a line: text, redacted, spans.")
def redact_command(path: str, as_json: bool) -> None:
    """Hide personal details in texts (JSONL: one {"text": ...} a line), one output line for each.

    The sites' names are kept as places; spans' offsets point into each text as given."""
    places = site_places()
    try:
        for text in read_texts(path):
            record = redaction_record(text, places)
            click.echo(json.dumps(record, ensure_ascii=False) if as_json else record["redacted"].replace("\n", " "))
    except ValueError as error:
        raise click.ClickException(str(error)) from None


@analysis_cli.command("train")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--from-corrections", is_flag=True, help="Learn from the themes evaluators gave in Voces.")
def train_command(path: str | None, from_corrections: bool) -> None:
    """Learn a codebook from coded texts (a JSONL or CSV file, or the corrections) and make it active."""
    if bool(path) == from_corrections:
        raise click.UsageError("give a file or --from-corrections, not both")
    try:
        if from_corrections:
            row = learn_from_corrections()
        else:
            row = learn_codebook(examples_from_file(str(path)), os.path.basename(str(path)))
    except (LabelledDataError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    scores = row.scores["cross_validated"]
    click.echo(
        f"Learned {row.version} from {row.examples} texts: {len(row.labels)} themes, "
        f"cross-validated macro F1 {scores['macro_f1']:.3f}, micro F1 {scores['micro_f1']:.3f}. It is now active."
    )
    click.echo("Run `flask --app survey analysis rerun` to apply it to stored testimonies.")


@analysis_cli.command("calibrate")
def calibrate_command() -> None:
    """Refit how confident machine tags are on this programme's corrections (kept in the instance folder)."""
    try:
        calibration = refit_from_corrections()
    except TooFewDecisions as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Refitted the confidence on {calibration.decisions} corrected machine tags: {calibration_path()}. "
        "Run `flask --app survey analysis rerun` to apply it to stored testimonies."
    )


@analysis_cli.command("rerun")
@click.option("--survey", "slug", help="Only this survey's testimonies.")
@click.option("--all", "everything", is_flag=True, help="Every testimony, not only those an older analyser produced.")
@click.option("--chunk", "--batch", "chunk", default=CHUNK_SIZE, show_default=True, help="Testimonies per chunk.")
@click.option("--resume", "resume_id", type=int, help="Take up job N again: its chunks not done yet.")
def rerun_command(slug: str | None, everything: bool, chunk: int, resume_id: int | None) -> None:
    """Analyse testimonies again, as a job of chunks: sent to the workers when CELERY_BROKER_URL names
    a broker, else run here. Ctrl-C stops following the workers (not their work); here it stops the
    run, and --resume finishes it."""
    if resume_id is not None:
        job = get_job(resume_id)
        if job is None:
            raise click.ClickException(f"no job {resume_id}")
        resume_job(job)
    else:
        job = start_rerun(everything=everything, survey_slug=slug, chunk_size=max(1, chunk))
    db.session.commit()
    if job.status == JobStatus.DONE:
        click.echo("Every testimony is up to date." if job.total_items == 0 else f"Job {job.id} is done.")
        return
    work_on_job(job)


def work_on_job(job: Job, *, items: str = "testimonies", resume: str = "flask --app survey analysis rerun") -> None:
    """Send a job's chunks to the workers when CELERY_BROKER_URL names a broker, else do them here;
    either way, follow its progress until it is done."""
    if current_app.config["CELERY_BROKER_URL"]:
        enqueue_job(job)
        db.session.commit()  # the chunks go to the broker once this commits
        click.echo(f"Job {job.id}: {job.total_chunks} chunks of {job.total_items} {items} sent to the workers.")
        step = _wait_for_workers
    else:
        step = _chunk_runner(pending_chunks(job))
    follow_job(job.id, step, items=items, resume=resume)


def _wait_for_workers() -> bool:
    time.sleep(FOLLOW_INTERVAL_S)
    return True


def _chunk_runner(chunk_ids: list[int]) -> Callable[[], bool]:
    """A step that does the next chunk in this process; False when none is left."""
    remaining = iter(chunk_ids)

    def step() -> bool:
        chunk_id = next(remaining, None)
        if chunk_id is None:
            return False
        run_job_chunk.apply(args=[chunk_id])
        return True

    return step


def follow_job(
    job_id: int,
    step: Callable[[], bool],
    *,
    items: str = "testimonies",
    resume: str = "flask --app survey analysis rerun",
) -> None:
    """Show a job's progress until it is done, taking a step (a chunk, or a wait) between looks;
    items names what the job counts, resume the command that takes it up again (given --resume N).

    On a terminal the progress line is rewritten in place; elsewhere each change is a line of its own.
    """
    terminal = sys.stdout.isatty()
    shown = ""
    job: Job | None = None
    try:
        while True:
            job = get_job(job_id)
            assert job is not None
            line = (
                f"Job {job.id} ({job.kind.value}): {job.done_items}/{job.total_items} {items}, "
                f"{job.done_chunks}/{job.total_chunks} chunks, {job.percent}% {job.status.value}"
            )
            finished = job.finished
            # End the read before the next step: on SQLite it holds the write lock a chunk needs, and
            # the next look then sees what the workers committed meanwhile.
            db.session.rollback()
            if line != shown:
                click.echo(("\r" + line) if terminal else line, nl=not terminal)
                shown = line
            if finished or not step():
                break
    except KeyboardInterrupt:
        click.echo(
            f"\nStopped following job {job_id}; the workers go on, or without a broker: {resume} --resume {job_id}"
        )
        return
    finally:
        if terminal:
            click.echo()
    if job.status == JobStatus.FAILED:
        raise click.ClickException(f"job {job_id} failed: {job.error}. Resume it with --resume {job_id}")
    if job.status == JobStatus.DONE and job.kind in (JobKind.RERUN, JobKind.RERUN_ALL):
        click.echo(f"Re-analysed {job.total_items} testimonies.")


sites_cli = AppGroup("sites", help="The communities responses come from.")


@sites_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_sites_command(path: str) -> None:
    """Create or update sites from a YAML list like config/sites.yaml, or a CSV with the same columns."""
    try:
        result = import_sites(read_sites_file(path), source=os.path.basename(path))
    except SiteImportError as error:
        raise click.ClickException(f"{path}: nothing was imported:\n  " + "\n  ".join(error.problems)) from None
    db.session.commit()
    click.echo(f"{result.created} sites created, {result.updated} updated.")


@sites_cli.command("list")
def list_sites_command() -> None:
    """List sites: slug, name, region, country."""
    for site in list_sites():
        click.echo(f"{site.slug}\t{site.name}\t{site.region}\t{site.country}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Copy the SQLite database to a new file while Voces serves; for PostgreSQL, say how to use pg_dump."""
    try:
        written = back_up(db.engine.url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up the database to {written}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace every record with the backup's.")
def restore_command(path: str, yes: bool) -> None:
    """Replace the SQLite database with a backup; what it held is kept beside it first."""
    if not yes:
        raise click.ClickException("a restore replaces every response and account with the backup's: add --yes")
    db.engine.dispose()  # this process's connections must not hold the file while it is replaced
    try:
        kept = restore(db.engine.url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {path}" + (f"; the data it replaced is in {kept}." if kept else "."))
    click.echo("Run `flask --app survey db upgrade` if the backup was made by an older version of Voces.")
