"""flask export SLUG: a survey's responses and tags written to files, as /evaluate/<slug>/export.* sends them."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from survey.extensions import db
from survey.services.audit import record_event
from survey.services.explore import ExploreFilters
from survey.services.export_files import csv_lines, record_export, write_xlsx
from survey.services.exports import ExportWithheld, prepare_export, repeat_rows, response_rows, tag_rows
from survey.services.refi_export import write_qdc, write_qdpx
from survey.services.surveys import get_survey


@click.command("export")
@click.argument("slug")
@click.option(
    "--format", "file_format", type=click.Choice(["csv", "xlsx", "qdpx", "qdc"]), default="xlsx", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="File to write.")
@click.option("--for-publication", is_flag=True, help="Leave out the words of internal-only testimonies.")
@click.option("--machine-tags", is_flag=True, help="qdpx: add the machine's tags as coded selections.")
@click.option("--language", type=click.Choice(["en", "es"]), default="en", help="qdpx, qdc: the codes' language.")
def export_command(
    slug: str, file_format: str, output: str, for_publication: bool, machine_tags: bool, language: str
) -> None:
    """Write every response of a survey from groups large enough to show; CSV writes the tags beside it.

    qdpx writes a REFI-QDA project (the redacted testimonies, people's coded passages and memos) for
    NVivo, ATLAS.ti, MAXQDA or QualCoder; qdc writes the codebook alone.
    """
    survey = get_survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey '{slug}'")
    path = Path(output)
    if file_format == "qdc":
        with path.open("wb") as target:
            codes = write_qdc(language, target)
        record_event("export", target_type="survey", target_id=slug, format="qdc")
        db.session.commit()
        click.echo(f"Wrote {path} ({codes} codes).")
        return
    limits = {"min_group": current_app.config["MIN_GROUP_SIZE"], "block": current_app.config["MIN_PERIOD_RESPONSES"]}
    try:
        export = prepare_export(survey, ExploreFilters(), publication=for_publication, **limits)
    except ExportWithheld:
        raise click.ClickException("fewer responses than the minimum group size: nothing written") from None
    if file_format == "qdpx":
        with path.open("wb") as target:
            counts = write_qdpx(export, target, language=language, machine_tags=machine_tags)
        record_export(export, file_format, None, machine_tags=machine_tags)
        db.session.commit()
        click.echo(
            f"Wrote {path} ({counts.sources} testimonies, {counts.selections} selections, {counts.notes} memos)."
        )
        return
    written = [path]
    if file_format == "xlsx":
        with path.open("wb") as target:
            write_xlsx(export, target)
    else:
        tags = path.with_name(f"{path.stem}-tags{path.suffix or '.csv'}")
        tables = [(response_rows(export), path), (tag_rows(export), tags)]
        if export.repeated:  # as Kobo exports a repeat: one row per instance, joined by _response_id
            tables.append((repeat_rows(export), path.with_name(f"{path.stem}-repeats{path.suffix or '.csv'}")))
        for rows, file in tables:
            with file.open("w", encoding="utf-8", newline="") as target:
                target.writelines(csv_lines(rows))
        written += [file for _rows, file in tables[1:]]
    record_export(export, file_format, None)
    db.session.commit()
    click.echo("Wrote " + " and ".join(str(p) for p in written) + ".")
