variable "project_id" {
  type        = string
  description = "Project the metrics, alert policies, SLOs and dashboard live in."
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the display names (the klair module's name_prefix)."
  default     = "klair"
}

variable "notification_channels" {
  type        = list(string)
  description = "Notification channel ids (projects/P/notificationChannels/N) every alert notifies; empty: alerts open incidents without notifying anyone."
  default     = []
}

variable "subscriptions" {
  type        = list(string)
  description = "Every push subscription of the pipeline (the topology's), watched for an old unacked message."
}

variable "dead_letter_subscriptions" {
  type        = list(string)
  description = "The subscriptions of the dead-letter topic (its consumer, the fail function)."
}

variable "job_success_goal" {
  type        = number
  description = "SLO: share of ended jobs (completed + failed) that complete, over 28 days."
  default     = 0.95

  validation {
    condition     = var.job_success_goal > 0 && var.job_success_goal < 1
    error_message = "job_success_goal is a fraction between 0 and 1."
  }
}

variable "seconds_per_source_minute_target" {
  type        = number
  description = "SLO and alert: p95 submit-to-results seconds per minute of source."
  default     = 60
}

variable "time_to_results_goal" {
  type        = number
  description = "SLO: share of completed jobs within seconds_per_source_minute_target, over 28 days."
  default     = 0.95
}

variable "max_unacked_age_seconds" {
  type        = number
  description = "Alert when a subscription's oldest unacked message is older than this."
  default     = 900
}

variable "webhook_failures_per_hour" {
  type        = number
  description = "Alert when more outbound webhook attempts than this fail (not delivered) in an hour."
  default     = 20
}
