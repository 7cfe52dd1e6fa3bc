# What differs between projects rather than between dev and prod; the same file in every
# environment (a unit test holds them to it). The pipeline sets project_id, region,
# source_bucket and source_objects; terraform.tfvars the rest.

variable "project_id" {
  type        = string
  description = "Project Klair is deployed into (KLAIR_PROJECT); one project per environment."
}

variable "region" {
  type        = string
  description = "Region of the functions, queues and scheduler (KLAIR_REGION)."
  default     = "us-central1"
}

variable "source_bucket" {
  type        = string
  description = "Bucket holding the function source zips uploaded by the pipeline."
}

variable "source_objects" {
  type        = map(string)
  description = "Function name => content-hashed source zip object in source_bucket (klair package --tfvars writes them to sources.auto.tfvars.json)."
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

variable "cors_origins" {
  type        = list(string)
  description = "Browser origins that PUT to signed upload URLs (the web app's origins)."
  default     = []
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

variable "sieve_callback_base_url" {
  type        = string
  description = "Public base URL of the webhooks function for Sieve autocrop callbacks; null keeps Sieve off."
  default     = null
}

variable "notification_channels" {
  type        = list(string)
  description = "Cloud Monitoring notification channel ids the alerts notify (create the channel first: e-mail, PagerDuty, Slack)."
  default     = []
}

variable "egress_proxy_secret" {
  type        = string
  description = "Secret Manager secret id of the egress proxy URL the ingest function downloads through (KLAIR_EGRESS_PROXY); null: no proxy."
  default     = null
}

variable "egress_proxy_use" {
  type        = string
  description = "KLAIR_EGRESS_PROXY_USE: blocked (retry only what a site refused as a bot) or always."
  default     = "blocked"
}

variable "ytdlp_cookies_secret" {
  type        = string
  description = "Secret Manager secret id of a Netscape cookie file for the ingest function's downloads (KLAIR_YTDLP_COOKIES); null: no cookies."
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
  description = "The weekly yt-dlp bump pull request (see terraform/README.md); null: none. Set it in one environment."
  default     = null
}
