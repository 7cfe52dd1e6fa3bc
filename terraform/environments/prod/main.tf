# Klair's prod deployment: the klair module (which reads emulator-config/topology.yaml) with
# prod's values. Inputs that differ per project are in variables.tf, the same file in every
# environment.

provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = {
    app = "klair"
    env = "prod"
  }
}

module "klair" {
  source = "../../modules/klair"

  environment    = "prod"
  project_id     = var.project_id
  region         = var.region
  source_bucket  = var.source_bucket
  source_objects = var.source_objects

  clerk_issuer             = var.clerk_issuer
  clerk_jwks_url           = var.clerk_jwks_url
  clerk_authorized_parties = var.clerk_authorized_parties
  cors_origins             = var.cors_origins
  function_secrets         = var.function_secrets
  egress_proxy_secret      = var.egress_proxy_secret
  egress_proxy_use         = var.egress_proxy_use
  ytdlp_cookies_secret     = var.ytdlp_cookies_secret
  ytdlp_bump               = var.ytdlp_bump
  sieve_callback_base_url  = var.sieve_callback_base_url
  budget                   = var.budget
  notification_channels    = var.notification_channels

  # Data that outlives a mistaken destroy, quieter logs, room to scale and a warm API (the
  # first request of the day meets no cold start).
  bucket_force_destroy             = false
  firestore_delete_protection      = true
  firestore_point_in_time_recovery = true
  log_level                        = "INFO"
  default_max_instances            = 50
  scaling = {
    api = { min_instances = 1, max_instances = 100 }
  }
}
