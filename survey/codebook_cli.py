"""The `flask codebook` commands: the codebook new analyses use, written back as a file."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from survey.services.theme_terms import export_codebook

codebook_cli = AppGroup("codebook", help="The codebook: the file with the terms edited in the browser.")


@codebook_cli.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (YAML shows without it).")
def export_codebook_command(output: str | None) -> None:
    """Write the codebook file with the terms edited in the browser in place, loadable as a codebook file."""
    if output:
        Path(output).write_text(export_codebook(), encoding="utf-8")
        click.echo(f"Wrote {output}.")
    else:
        click.echo(export_codebook(), nl=False)
