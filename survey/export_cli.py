"""flask export SLUG: a survey's responses and tags written to files, as /evaluate/<slug>/export.* sends them."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from survey.extensions import db
from survey.services.explore import ExploreFilters
from survey.services.export_files import csv_lines, record_export, write_xlsx
from survey.services.exports import ExportWithheld, prepare_export, response_rows, tag_rows
from survey.services.surveys import get_survey


@click.command("export")
@click.argument("slug")
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx"]), default="xlsx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="File to write.")
@click.option("--for-publication", is_flag=True, help="Leave out the words of internal-only testimonies.")
def export_command(slug: str, file_format: str, output: str, for_publication: bool) -> None:
    """Write every response of a survey from groups large enough to show; CSV writes the tags beside it."""
    survey = get_survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey '{slug}'")
    limits = {"min_group": current_app.config["MIN_GROUP_SIZE"], "block": current_app.config["MIN_PERIOD_RESPONSES"]}
    try:
        export = prepare_export(survey, ExploreFilters(), publication=for_publication, **limits)
    except ExportWithheld:
        raise click.ClickException("fewer responses than the minimum group size: nothing written") from None
    path = Path(output)
    written = [path]
    if file_format == "xlsx":
        with path.open("wb") as target:
            write_xlsx(export, target)
    else:
        tags = path.with_name(f"{path.stem}-tags{path.suffix or '.csv'}")
        for rows, file in ((response_rows(export), path), (tag_rows(export), tags)):
            with file.open("w", encoding="utf-8", newline="") as target:
                target.writelines(csv_lines(rows))
        written.append(tags)
    record_export(export, file_format, None)
    db.session.commit()
    click.echo("Wrote " + " and ".join(str(p) for p in written) + ".")
