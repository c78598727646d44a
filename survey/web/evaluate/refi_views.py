"""A survey's coding for qualitative analysis tools: a REFI-QDA project (.qdpx) and the codebook (.qdc)."""

from __future__ import annotations

import io
import tempfile

from flask import Response, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user

from survey.services.audit import record_event
from survey.services.export_files import record_export
from survey.services.refi_export import write_qdc, write_qdpx
from survey.web.evaluate import bp
from survey.web.evaluate.explore_views import chunks_of, filter_args, requested_export, survey_or_404


@bp.get("/<slug>/export.qdpx")
def export_qdpx(slug: str) -> ResponseReturnValue:
    """The testimonies the filters select, with people's coding and memos (and, with ?machine=1, the machine's tags)."""
    export = requested_export(slug)
    if export is None:
        return redirect(url_for("evaluate.testimonies", slug=slug, **filter_args()))
    machine = request.args.get("machine") == "1"
    record_export(export, "qdpx", current_user, machine_tags=machine)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (chunks_of closes it once sent)
    write_qdpx(export, spool, language=str(get_locale() or "en"), machine_tags=machine, exporter=current_user)
    spool.seek(0)
    return Response(
        chunks_of(spool),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{slug}.qdpx"'},
    )


@bp.get("/<slug>/export.qdc")
def export_qdc(slug: str) -> ResponseReturnValue:
    """The codebook's themes and the team's codes, as a REFI-QDA codebook."""
    survey_or_404(slug)
    target = io.BytesIO()
    write_qdc(str(get_locale() or "en"), target)
    record_event("export", actor=current_user, target_type="survey", target_id=slug, format="qdc")
    return Response(
        target.getvalue(),
        mimetype="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{slug}-codebook.qdc"'},
    )
