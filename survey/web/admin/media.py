"""Photos and recordings that answered surveys: listed, recordings played in the page, the rest downloaded."""

from __future__ import annotations

import io

from flask import abort, render_template, send_file
from flask.typing import ResponseReturnValue
from flask_login import current_user

from survey.services.media import list_media, plays_inline, read_media
from survey.web.admin import bp


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
