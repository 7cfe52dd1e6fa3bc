variable "project_id" {
  type        = string
  description = "Project that owns the queues."
}

variable "region" {
  type        = string
  description = "Queue location (Settings.region: the code addresses queues there)."
}

variable "queues" {
  type = list(object({
    name                      = string
    tier                      = string
    max_dispatches_per_second = number
    max_concurrent_dispatches = number
    max_attempts              = optional(number, 5)
  }))
  description = "Tier queues (topology.queues); names are klair-<tier>, as klair.domain.tiers expects."

  validation {
    condition     = length(distinct([for q in var.queues : q.tier])) == length(var.queues)
    error_message = "One queue per tier."
  }
}

variable "enqueuers" {
  type        = map(string)
  description = "Label => IAM member allowed to create tasks on every tier queue (static labels, e.g. function names)."
  default     = {}
}

variable "min_backoff" {
  type        = string
  description = "First retry delay of a failed task."
  default     = "10s"
}

variable "max_backoff" {
  type        = string
  description = "Longest retry delay of a failed task."
  default     = "300s"
}

variable "log_sampling_ratio" {
  type        = number
  description = "Fraction of task operations logged."
  default     = 1.0
}
