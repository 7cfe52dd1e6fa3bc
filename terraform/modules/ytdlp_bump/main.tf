# The scheduled yt-dlp bump: a Cloud Build trigger running cloudbuild-ytdlp-bump.yaml from
# the repository's base branch whenever a message reaches its topic, and a Cloud Scheduler job
# publishing one each week (Cloud Build triggers have no schedule of their own). The build runs
# as its own account, which may read the GitHub token's secret and write logs, and nothing
# else: it opens a pull request, it deploys nothing.

locals {
  # A 2nd-gen connection's repository resource when given, else the GitHub URL (1st gen: the
  # Cloud Build GitHub app installed on the repository).
  uri        = var.connection_repository == null ? "https://github.com/${var.github_repository}" : null
  repository = var.connection_repository
}

resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "${var.name}-build"
  display_name = "Klair yt-dlp bump build"
}

resource "google_project_iam_member" "build_logs" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.build.email}"
}

resource "google_secret_manager_secret_iam_member" "token" {
  project   = var.project_id
  secret_id = var.github_token_secret
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.build.email}"
}

# The schedule's tick: Cloud Scheduler publishes (as its service agent) and the trigger
# listens, so no account needs the right to start builds in the project.
resource "google_pubsub_topic" "tick" {
  #checkov:skip=CKV_GCP_83:The weekly tick carries no data at all; Google-managed encryption is enough.
  project = var.project_id
  name    = var.name
}

resource "google_cloudbuild_trigger" "bump" {
  project         = var.project_id
  location        = var.region
  name            = var.name
  description     = "Bumps yt-dlp (and the yt-dlp-ejs and deno it pins), runs the downloader tests, opens a pull request."
  service_account = google_service_account.build.id

  pubsub_config {
    topic = google_pubsub_topic.tick.id
  }

  source_to_build {
    uri        = local.uri
    repository = local.repository
    ref        = "refs/heads/${var.base_branch}"
    repo_type  = "GITHUB"
  }

  git_file_source {
    path       = var.build_config
    uri        = local.uri
    repository = local.repository
    revision   = "refs/heads/${var.base_branch}"
    repo_type  = "GITHUB"
  }

  substitutions = {
    _REPO         = var.github_repository
    _BASE_BRANCH  = var.base_branch
    _TOKEN_SECRET = var.github_token_secret
  }
}

resource "google_cloud_scheduler_job" "bump" {
  project     = var.project_id
  region      = var.region
  name        = var.name
  description = "Runs the ${var.name} Cloud Build trigger."
  schedule    = var.schedule
  time_zone   = var.time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.tick.id
    data       = base64encode(jsonencode({ reason = "weekly yt-dlp bump" }))
  }
}
