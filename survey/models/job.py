"""Long work cut into chunks that any worker may take: reruns of the analysis, exports, imports."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, UTCDateTime, utcnow
from survey.models.user import User


class JobKind(enum.StrEnum):
    """What a job does."""

    RERUN = "rerun"  # the testimonies an older analyser or codebook produced
    RERUN_ALL = "rerun-all"  # every testimony
    IMPORT = "import"
    EXPORT = "export"
    RETRAIN = "retrain"


class JobStatus(enum.StrEnum):
    """Where a job stands; a failed job keeps its finished chunks and can be resumed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def _values(e: type[enum.Enum]) -> list[str]:
    return [str(m.value) for m in e]


class Job(Base):
    """A piece of long work, its progress counted in chunks and in items (testimonies)."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[JobKind] = mapped_column(Enum(JobKind, native_enum=False, length=20, values_callable=_values))
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, native_enum=False, length=10, values_callable=_values), default=JobStatus.QUEUED, index=True
    )
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # e.g. {"survey": "community-safety"}
    total_chunks: Mapped[int] = mapped_column(default=0)
    done_chunks: Mapped[int] = mapped_column(default=0)
    total_items: Mapped[int] = mapped_column(default=0)
    done_items: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)

    created_by: Mapped[User | None] = relationship()

    @property
    def percent(self) -> int:
        """How far the job is, 0 to 100."""
        if self.status == JobStatus.DONE:
            return 100
        # an export's items are all counted before its last chunk joins the parts: not 100% until done
        return min(99, 100 * self.done_items // self.total_items) if self.total_items else 0

    @property
    def finished(self) -> bool:
        """Whether no more work will happen without someone resuming it."""
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class JobChunk(Base):
    """One share of a job: a range of ids. done_at is set in the same transaction as its results,
    so a chunk is done once or not at all, whichever worker takes it and however often."""

    __tablename__ = "job_chunk"
    __table_args__ = (UniqueConstraint("job_id", "number", name="uq_job_chunk_job_id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    first_id: Mapped[int]
    last_id: Mapped[int]
    items: Mapped[int]
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[str | None] = mapped_column(String(200))  # the worker that did it: name@host


class ImportRecord(Base):
    """One record of a queue file imported as a job, kept in the database every worker shares.

    Its chunk stores it and writes its result here in one transaction; the record itself is then
    cleared, so that a testimony's words are not kept beside the response they became. A withdrawal
    clears the words of a record still waiting here (survey.services.withdrawals).
    """

    __tablename__ = "import_record"
    __table_args__ = (UniqueConstraint("job_id", "position", name="uq_import_record_job_id_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"))
    position: Mapped[int]  # in the file, from 0: the chunks are ranges of positions
    record: Mapped[str | None] = mapped_column(Text)  # as JSON, until its chunk is done
    uuid: Mapped[str | None] = mapped_column(Text)  # as the result names it: a record's own, however malformed
    status: Mapped[str | None] = mapped_column(String(10))  # created, duplicate, conflict or invalid
    errors: Mapped[dict[str, str] | None] = mapped_column(JSON)  # the reasons, in the importer's language
    receipt_code: Mapped[str | None] = mapped_column(String(16))
