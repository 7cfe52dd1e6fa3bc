variable "project_id" {
  type        = string
  description = "Project Klair is deployed into (KLAIR_PROJECT)."
}

variable "region" {
  type        = string
  description = "Region of the functions, queues and scheduler (KLAIR_REGION)."
  default     = "us-central1"
}

variable "environment" {
  type        = string
  description = "Environment name (dev, prod, ...), used in labels and display names."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,20}$", var.environment))
    error_message = "environment is a short lowercase name such as dev or prod."
  }
}

variable "runtime" {
  type        = string
  description = "Cloud Functions runtime of every function. The Ubuntu 22.04 runtimes ship ffmpeg and ffprobe on PATH, which ingest, transcode and export call."
  default     = "python311"

  validation {
    # klair package pins requirements for the venv's Python: keep the two in step.
    condition     = contains(["python311", "python312"], var.runtime)
    error_message = "runtime is python311 or python312 (Ubuntu 22.04 base image, which carries ffmpeg)."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of function, service account and job names (topic, subscription and queue names are the topology's own)."
  default     = "klair"
}

variable "labels" {
  type        = map(string)
  description = "Extra labels on everything that takes labels."
  default     = {}
}

variable "enable_apis" {
  type        = bool
  description = "Enable the Google APIs Klair uses (turn off where a platform team manages them)."
  default     = true
}

variable "source_bucket" {
  type        = string
  description = "Bucket holding the function source zips uploaded by the pipeline."
}

variable "source_objects" {
  type        = map(string)
  description = "Function name => source zip object in source_bucket (one per topology function; cloudbuild.yaml writes them to sources.auto.tfvars.json)."
}

variable "bucket_name" {
  type        = string
  description = "Media bucket name (KLAIR_BUCKET); null means <project_id>-<topology bucket>."
  default     = null
}

variable "bucket_location" {
  type        = string
  description = "Media bucket location; null means the region."
  default     = null
}

variable "bucket_force_destroy" {
  type        = bool
  description = "Let terraform destroy the media bucket with objects in it."
  default     = false
}

variable "cors_origins" {
  type        = list(string)
  description = "Browser origins that PUT to signed upload URLs (the web app's origins)."
  default     = []
}

variable "firestore_location" {
  type        = string
  description = "Firestore location; null means the region."
  default     = null
}

variable "firestore_delete_protection" {
  type        = bool
  description = "Protect the Firestore database from deletion."
  default     = true
}

variable "firestore_point_in_time_recovery" {
  type        = bool
  description = "Keep 7 days of Firestore point-in-time recovery."
  default     = false
}

variable "clerk_issuer" {
  type        = string
  description = "Clerk session token issuer (KLAIR_CLERK_ISSUER), e.g. the Clerk frontend API URL."
  default     = null
}

variable "clerk_jwks_url" {
  type        = string
  description = "Clerk JWKS URL (KLAIR_CLERK_JWKS_URL)."
  default     = null
}

variable "clerk_authorized_parties" {
  type        = list(string)
  description = "Accepted azp values of Clerk tokens (KLAIR_CLERK_AUTHORIZED_PARTIES)."
  default     = []
}

variable "public_functions" {
  type        = set(string)
  description = "HTTP functions reachable from the internet (they authenticate each request themselves); all others accept only internal callers."
  default     = ["api", "webhooks"]

  validation {
    # Only these two verify every request (Clerk JWT, Svix signature); the rest trust their caller.
    condition     = alltrue([for name in var.public_functions : contains(["api", "webhooks"], name)])
    error_message = "Only api and webhooks may be public."
  }
}

variable "scaling" {
  type = map(object({
    min_instances = optional(number, 0)
    max_instances = optional(number)
  }))
  description = "Function name => instance bounds overriding the defaults."
  default     = {}
}

variable "default_max_instances" {
  type        = number
  description = "Maximum instances of a function without a scaling entry."
  default     = 5
}

variable "function_secrets" {
  type = map(list(object({
    env     = string
    secret  = string
    version = optional(string, "latest")
  })))
  description = "Function name => environment variables read from Secret Manager (secrets are created and filled outside terraform)."
  default     = {}
}

variable "egress_proxy_secret" {
  type        = string
  description = "Secret Manager secret id (same project) holding the egress proxy URL the ingest function downloads through (KLAIR_EGRESS_PROXY: an http(s) URL with the proxy user and password); null: no proxy."
  default     = null
}

variable "egress_proxy_use" {
  type        = string
  description = "KLAIR_EGRESS_PROXY_USE: \"blocked\" retries through the proxy only a download a site refused as a bot; \"always\" sends every download through it."
  default     = "blocked"

  validation {
    condition     = contains(["blocked", "always"], var.egress_proxy_use)
    error_message = "egress_proxy_use is blocked or always."
  }
}

variable "ytdlp_cookies_secret" {
  type        = string
  description = "Secret Manager secret id (same project) holding a Netscape cookie file for the ingest function's downloads (KLAIR_YTDLP_COOKIES; a throwaway account's session); null: no cookies."
  default     = null
}

variable "ytdlp_bump" {
  type = object({
    github_repository     = string
    github_token_secret   = string
    connection_repository = optional(string)
    base_branch           = optional(string, "main")
    schedule              = optional(string, "0 6 * * 1")
  })
  description = "The weekly yt-dlp bump (a Cloud Build trigger run by Cloud Scheduler, opening a pull request on github_repository with the token in github_token_secret); null: none. Set it in one environment."
  default     = null
}

variable "sweeper_schedule" {
  type        = string
  description = "Cron schedule of the sweeper."
  default     = "*/5 * * * *"
}

variable "log_level" {
  type        = string
  description = "KLAIR_LOG_LEVEL of every function."
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level is DEBUG, INFO, WARNING or ERROR."
  }
}

variable "budget" {
  type = object({
    billing_account = string
    amount          = number
    currency_code   = optional(string, "USD")
    thresholds      = optional(list(number), [0.5, 0.9, 1.0])
  })
  description = "Monthly budget alert on the project's spend; null disables it."
  default     = null
}

variable "sieve_api_url" {
  type        = string
  description = "Sieve's API (KLAIR_SIEVE_API_URL of the export and webhooks functions)."
  default     = "https://mango.sievedata.com"
}

variable "sieve_callback_base_url" {
  type        = string
  description = "Public base URL of the webhooks function that Sieve calls back (KLAIR_WEBHOOKS_URL); null leaves Sieve autocrop off."
  default     = null
}

variable "notification_channels" {
  type        = list(string)
  description = "Cloud Monitoring notification channel ids (projects/P/notificationChannels/N) the alerts notify; empty: incidents open without notifying."
  default     = []
}
