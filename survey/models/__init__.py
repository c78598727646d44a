"""Every model, imported here so that Alembic and the app see the whole schema."""

from survey.models.agreement import AgreementRound, RoundCoder, RoundDecision, RoundDone, RoundItem, RoundStatus
from survey.models.audit import AuditEvent
from survey.models.base import Base
from survey.models.coding import Code, CodebookVersion, CodedPassage, Memo, ThemeTerms
from survey.models.device import Device, SubmissionConflict
from survey.models.indicator import Combine, Indicator, IndicatorValue
from survey.models.job import ImportRecord, Job, JobChunk, JobKind, JobStatus
from survey.models.learned import LearnedModel
from survey.models.media import MediaFile
from survey.models.report import ReportPin
from survey.models.response import Answer, Channel, ConsentScope, InterviewMode, Response
from survey.models.revision import ResponseRevision
from survey.models.rollup import JointCount, SummaryCount
from survey.models.site import Site
from survey.models.survey import Survey, SurveyStatus, SurveyVersion
from survey.models.tag_rule import TagSource
from survey.models.team import SurveyAssignment, Team, TeamMember
from survey.models.testimonial import Testimonial, ThemeTag
from survey.models.user import Role, User
from survey.models.withdrawal import WithdrawalOrigin, WithdrawalRequest, WithdrawalStatus

__all__ = [
    "AgreementRound",
    "Answer",
    "AuditEvent",
    "Base",
    "Channel",
    "Code",
    "CodebookVersion",
    "Combine",
    "CodedPassage",
    "Device",
    "Indicator",
    "ImportRecord",
    "IndicatorValue",
    "InterviewMode",
    "Job",
    "JointCount",
    "JobChunk",
    "JobKind",
    "JobStatus",
    "LearnedModel",
    "MediaFile",
    "Memo",
    "ConsentScope",
    "ReportPin",
    "Response",
    "ResponseRevision",
    "Role",
    "RoundCoder",
    "RoundDecision",
    "RoundDone",
    "RoundItem",
    "RoundStatus",
    "Site",
    "SubmissionConflict",
    "SummaryCount",
    "Survey",
    "SurveyAssignment",
    "SurveyStatus",
    "SurveyVersion",
    "TagSource",
    "Team",
    "TeamMember",
    "Testimonial",
    "ThemeTerms",
    "ThemeTag",
    "User",
    "WithdrawalOrigin",
    "WithdrawalRequest",
    "WithdrawalStatus",
]
