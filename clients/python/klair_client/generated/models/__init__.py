""" Contains all the data models used in inputs/outputs """

from .accepted import Accepted
from .api_key_created import ApiKeyCreated
from .api_key_created_scopes_item import ApiKeyCreatedScopesItem
from .api_key_list import ApiKeyList
from .api_key_request import ApiKeyRequest
from .api_key_request_scopes_item import ApiKeyRequestScopesItem
from .api_key_view import ApiKeyView
from .api_key_view_scopes_item import ApiKeyViewScopesItem
from .archive_view import ArchiveView
from .archive_view_state import ArchiveViewState
from .audio_submit_request import AudioSubmitRequest
from .batch_item_view import BatchItemView
from .batch_request import BatchRequest
from .batch_source import BatchSource
from .batch_view import BatchView
from .batch_view_counts import BatchViewCounts
from .batch_view_status import BatchViewStatus
from .chapter import Chapter
from .clip_range import ClipRange
from .clip_view import ClipView
from .clip_view_evidence import ClipViewEvidence
from .clip_view_origin import ClipViewOrigin
from .clip_view_scores import ClipViewScores
from .clip_view_urls import ClipViewUrls
from .cost import Cost
from .day_stats import DayStats
from .deleted import Deleted
from .delivery_state import DeliveryState
from .dependency_health import DependencyHealth
from .error_body import ErrorBody
from .error_body_details_type_0 import ErrorBodyDetailsType0
from .error_response import ErrorResponse
from .event_kind import EventKind
from .evidence import Evidence
from .export_accepted import ExportAccepted
from .export_body import ExportBody
from .export_failure import ExportFailure
from .export_state import ExportState
from .export_view import ExportView
from .health import Health
from .health_dependencies import HealthDependencies
from .insights import Insights
from .job_error import JobError
from .job_kind import JobKind
from .job_options import JobOptions
from .job_options_caption_style import JobOptionsCaptionStyle
from .job_options_order import JobOptionsOrder
from .job_options_preset_type_0 import JobOptionsPresetType0
from .job_options_reframe import JobOptionsReframe
from .job_page import JobPage
from .job_status import JobStatus
from .job_summary import JobSummary
from .keyword import Keyword
from .media_info import MediaInfo
from .notification_view import NotificationView
from .quote import Quote
from .quote_evidence import QuoteEvidence
from .quote_scores import QuoteScores
from .results_insights import ResultsInsights
from .results_insights_mean_scores import ResultsInsightsMeanScores
from .results_view import ResultsView
from .results_view_transcript_urls import ResultsViewTranscriptUrls
from .source_view import SourceView
from .stats_view import StatsView
from .status_view import StatusView
from .status_view_chunks import StatusViewChunks
from .status_view_timings import StatusViewTimings
from .submit_request import SubmitRequest
from .tier_limits import TierLimits
from .totals import Totals
from .upload_request import UploadRequest
from .upload_ticket import UploadTicket
from .upload_ticket_upload_headers import UploadTicketUploadHeaders
from .usage_view import UsageView
from .webhook_removed import WebhookRemoved
from .webhook_request import WebhookRequest
from .webhook_view import WebhookView

__all__ = (
    "Accepted",
    "ApiKeyCreated",
    "ApiKeyCreatedScopesItem",
    "ApiKeyList",
    "ApiKeyRequest",
    "ApiKeyRequestScopesItem",
    "ApiKeyView",
    "ApiKeyViewScopesItem",
    "ArchiveView",
    "ArchiveViewState",
    "AudioSubmitRequest",
    "BatchItemView",
    "BatchRequest",
    "BatchSource",
    "BatchView",
    "BatchViewCounts",
    "BatchViewStatus",
    "Chapter",
    "ClipRange",
    "ClipView",
    "ClipViewEvidence",
    "ClipViewOrigin",
    "ClipViewScores",
    "ClipViewUrls",
    "Cost",
    "DayStats",
    "Deleted",
    "DeliveryState",
    "DependencyHealth",
    "ErrorBody",
    "ErrorBodyDetailsType0",
    "ErrorResponse",
    "EventKind",
    "Evidence",
    "ExportAccepted",
    "ExportBody",
    "ExportFailure",
    "ExportState",
    "ExportView",
    "Health",
    "HealthDependencies",
    "Insights",
    "JobError",
    "JobKind",
    "JobOptions",
    "JobOptionsCaptionStyle",
    "JobOptionsOrder",
    "JobOptionsPresetType0",
    "JobOptionsReframe",
    "JobPage",
    "JobStatus",
    "JobSummary",
    "Keyword",
    "MediaInfo",
    "NotificationView",
    "Quote",
    "QuoteEvidence",
    "QuoteScores",
    "ResultsInsights",
    "ResultsInsightsMeanScores",
    "ResultsView",
    "ResultsViewTranscriptUrls",
    "SourceView",
    "StatsView",
    "StatusView",
    "StatusViewChunks",
    "StatusViewTimings",
    "SubmitRequest",
    "TierLimits",
    "Totals",
    "UploadRequest",
    "UploadTicket",
    "UploadTicketUploadHeaders",
    "UsageView",
    "WebhookRemoved",
    "WebhookRequest",
    "WebhookView",
)
