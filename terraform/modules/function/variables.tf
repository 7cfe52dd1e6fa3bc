variable "project_id" {
  type        = string
  description = "Project to deploy into."
}

variable "region" {
  type        = string
  description = "Region of the function (and of its Cloud Run service)."
}

variable "name" {
  type        = string
  description = "Function name, also the Cloud Run service name (lowercase, at most 63 characters)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,61}[a-z0-9]$", var.name))
    error_message = "name is lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "description" {
  type        = string
  description = "What the function does."
  default     = ""
}

variable "runtime" {
  type        = string
  description = "Cloud Functions runtime."
  default     = "python311"
}

variable "entry_point" {
  type        = string
  description = "Name of the Python callable in the source's main.py (topology entry_point)."
}

variable "source_bucket" {
  type        = string
  description = "Bucket holding the function's source zip."
}

variable "source_object" {
  type        = string
  description = "Object name of the source zip; name it by content hash so a new zip redeploys."
}

variable "build_service_account" {
  type        = string
  description = "Full id (projects/P/serviceAccounts/EMAIL) of the account Cloud Build builds as; null keeps the platform default."
  default     = null
}

variable "memory" {
  type        = string
  description = "Memory per instance (topology memory), e.g. 512Mi, 4Gi."

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi|M|G)$", var.memory))
    error_message = "memory is a quantity such as 256Mi or 4Gi."
  }
}

variable "cpu" {
  type        = string
  description = "vCPUs per instance (topology cpu)."
}

variable "timeout_seconds" {
  type        = number
  description = "Request timeout (topology timeout); a Pub/Sub push or task must finish within it."

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 3600
    error_message = "timeout_seconds is between 1 and 3600."
  }
}

variable "concurrency" {
  type        = number
  description = "Concurrent requests per instance (topology concurrency); 1 for media work."
  default     = 1
}

variable "min_instances" {
  type        = number
  description = "Instances kept warm."
  default     = 0
}

variable "max_instances" {
  type        = number
  description = "Upper bound on instances; caps cost and downstream load."
  default     = 10
}

variable "service_account_email" {
  type        = string
  description = "The function's own runtime service account (one per function, least privilege)."
}

variable "ingress" {
  type        = string
  description = "ALLOW_ALL for public HTTP functions; ALLOW_INTERNAL_ONLY for those called by Pub/Sub, Cloud Tasks or Cloud Scheduler."
  default     = "ALLOW_INTERNAL_ONLY"

  validation {
    condition     = contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"], var.ingress)
    error_message = "ingress is ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB."
  }
}

variable "env" {
  type        = map(string)
  description = "Plain environment variables (KLAIR_<Settings field upper>)."
  default     = {}
}

variable "secret_env" {
  type = list(object({
    env     = string
    secret  = string
    version = optional(string, "latest")
  }))
  description = "Environment variables read from Secret Manager: env name, secret id (same project), version."
  default     = []
}

variable "invokers" {
  type        = map(string)
  description = "Label => IAM member granted run.invoker (e.g. pubsub => serviceAccount:..., public => allUsers). Labels are static so plans work before the accounts exist."
  default     = {}
}

variable "labels" {
  type        = map(string)
  description = "Labels on the function."
  default     = {}
}
