"""A file answering a photo or recording question, kept beside the response it belongs to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, UTCDateTime, utcnow
from survey.models.response import Response
from survey.models.testimonial import Testimonial


class MediaFile(Base):
    """One uploaded file: the answer holds its name, this row its bytes; only administrators read it."""

    __tablename__ = "media_file"
    __table_args__ = (UniqueConstraint("response_id", "question", name="uq_media_file_response_id_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(100))
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    # A recorded testimony waits for someone to type out what it says, so that it is analysed as text.
    to_transcribe: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read only when the file is fetched
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # What a recording says, once typed out: a testimony of its response, analysed as any typed one.
    transcript_id: Mapped[int | None] = mapped_column(ForeignKey("testimonial.id", ondelete="SET NULL"))

    response: Mapped[Response] = relationship()
    transcript: Mapped[Testimonial | None] = relationship()
