"""Photos and recordings that answered surveys: listed, recordings played and typed out, the rest downloaded."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from survey.extensions import db
from survey.models import MediaFile
from survey.services.media import list_media, plays_inline, read_media
from survey.services.transcripts import can_transcribe, save_transcript, transcript_text
from survey.web.admin import bp
from survey.web.admin.forms import TranscriptForm


@bp.get("/media")
def media_files() -> ResponseReturnValue:
    """The latest files, the recordings still to transcribe marked, each recording with a player."""
    return render_template("admin/media.html", files=list_media(), plays_inline=plays_inline)


@bp.get("/media/<int:media_id>")
def media_file(media_id: int) -> ResponseReturnValue:
    """One file: a recording of a kind browsers play is sent inline for the page's player, any other
    file as a download, never shown: a file a resident sent is not trusted as a page."""
    media = read_media(media_id, current_user)
    if media is None:
        abort(404)
    disposition = "inline" if plays_inline(media.content_type) else "attachment"
    sent = send_file(
        io.BytesIO(media.data),
        mimetype=media.content_type,
        conditional=True,  # a player asks for ranges to seek
        etag=f"media-{media.id}-{media.size}",
    )
    sent.headers["Content-Disposition"] = f'{disposition}; filename="{media.file_name}"'
    sent.headers["X-Content-Type-Options"] = "nosniff"
    sent.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    sent.headers["Cache-Control"] = "no-store"
    return sent


def _transcript_page(media: MediaFile, form: TranscriptForm) -> str:
    return render_template("admin/transcript.html", media=media, form=form, plays_inline=plays_inline)


@bp.get("/media/<int:media_id>/transcript")
def transcript(media_id: int) -> ResponseReturnValue:
    """A recording with its player and the form to type out what it says."""
    media = db.get_or_404(MediaFile, media_id)
    if not can_transcribe(media):
        abort(404)
    return _transcript_page(media, TranscriptForm(data={"text": transcript_text(media)}))


@bp.post("/media/<int:media_id>/transcript")
def save_transcript_view(media_id: int) -> ResponseReturnValue:
    """Keep the transcript as the response's testimony, to be analysed; errors keep what was typed."""
    media = db.get_or_404(MediaFile, media_id)
    if not can_transcribe(media):
        abort(404)
    form = TranscriptForm()
    if not form.validate_on_submit():
        return _transcript_page(media, form)
    save_transcript(media, form.text.data or "", current_user)
    flash(_("The transcript is saved; it is analysed as a typed testimony."), "success")
    return redirect(url_for("admin.media_files"))
