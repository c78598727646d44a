"""Photos and recordings that answered surveys: listed, and sent to administrators as downloads."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from survey.services.media import list_media, read_media
from survey.web.admin import bp


@bp.get("/media")
def media_files() -> ResponseReturnValue:
    """The latest files, the recordings still to transcribe marked."""
    return render_template("admin/media.html", files=list_media())


@bp.get("/media/<int:media_id>")
def media_file(media_id: int) -> ResponseReturnValue:
    """One file as a download, never shown inline: a file a resident sent is not trusted as a page."""
    media = read_media(media_id, current_user)
    if media is None:
        abort(404)
    return (
        media.data,
        200,
        {
            "Content-Type": media.content_type,
            "Content-Disposition": f'attachment; filename="{media.file_name}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
