variable "project_id" {
  type        = string
  description = "Project that owns the job."
}

variable "region" {
  type        = string
  description = "Cloud Scheduler region."
}

variable "name" {
  type        = string
  description = "Job name."
}

variable "description" {
  type        = string
  description = "What the job triggers."
  default     = ""
}

variable "schedule" {
  type        = string
  description = "Cron schedule."
  default     = "*/5 * * * *"
}

variable "time_zone" {
  type        = string
  description = "Time zone the schedule is read in."
  default     = "Etc/UTC"
}

variable "attempt_deadline" {
  type        = string
  description = "How long one call may run; at least the target function's timeout."
  default     = "320s"
}

variable "uri" {
  type        = string
  description = "HTTPS URI of the target function (also the OIDC audience)."
}

variable "body" {
  type        = string
  description = "JSON body posted on each run."
  default     = "{}"
}

variable "service_account_email" {
  type        = string
  description = "Invoker service account the OIDC token is minted for (run.invoker on the target)."
}
