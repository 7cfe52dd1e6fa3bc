variable "project_id" {
  type        = string
  description = "Project that runs the bump's build and schedule."
}

variable "region" {
  type        = string
  description = "Region of the Cloud Build trigger and the Cloud Scheduler job."
}

variable "name" {
  type        = string
  description = "Name of the trigger and the job (and the prefix of their service accounts)."
  default     = "klair-ytdlp-bump"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,23}$", var.name))
    error_message = "name: lower-case letters, digits and dashes, at most 24 characters (the service account ids add 6)."
  }
}

variable "github_repository" {
  type        = string
  description = "The GitHub repository the pull requests go to, as owner/name."

  validation {
    condition     = can(regex("^[\\w.-]+/[\\w.-]+$", var.github_repository))
    error_message = "github_repository is owner/name."
  }
}

variable "connection_repository" {
  type        = string
  description = "The repository's Cloud Build 2nd-gen connection resource (projects/.../connections/.../repositories/...); null uses the GitHub URL (1st gen, the Cloud Build GitHub app)."
  default     = null
}

variable "base_branch" {
  type        = string
  description = "The branch the build reads and the pull requests target."
  default     = "main"
}

variable "build_config" {
  type        = string
  description = "The bump's build file in the repository."
  default     = "cloudbuild-ytdlp-bump.yaml"
}

variable "github_token_secret" {
  type        = string
  description = "Secret Manager secret id (same project) of a GitHub token that may push branches and open pull requests on the repository."
}

variable "schedule" {
  type        = string
  description = "Cron schedule of the bump."
  default     = "0 6 * * 1"
}

variable "time_zone" {
  type        = string
  description = "Time zone the schedule is read in."
  default     = "Etc/UTC"
}
