# The scheduled yt-dlp bump: a manual Cloud Build trigger running cloudbuild-ytdlp-bump.yaml
# from the repository's base branch, and a Cloud Scheduler job that runs it (Cloud Build
# triggers have no schedule of their own). The build runs as its own account, which may read
# the GitHub token's secret and write logs, and nothing else: it opens a pull request, it
# deploys nothing.

locals {
  # A 2nd-gen connection's repository resource when given, else the GitHub URL (1st gen: the
  # Cloud Build GitHub app installed on the repository).
  uri        = var.connection_repository == null ? "https://github.com/${var.github_repository}" : null
  repository = var.connection_repository
  run_uri    = "https://cloudbuild.googleapis.com/v1/${google_cloudbuild_trigger.bump.id}:run"
}

resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "${var.name}-build"
  display_name = "Klair yt-dlp bump build"
}

resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "${var.name}-run"
  display_name = "Klair yt-dlp bump schedule"
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

# Running a trigger needs cloudbuild.builds.create, and running it as the build account
# needs actAs on that account (and on that one only).
resource "google_project_iam_member" "scheduler_runs_builds" {
  project = var.project_id
  role    = "roles/cloudbuild.builds.editor"
  member  = "serviceAccount:${google_service_account.scheduler.email}"
}

resource "google_service_account_iam_member" "scheduler_acts_as_build" {
  service_account_id = google_service_account.build.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.scheduler.email}"
}

resource "google_cloudbuild_trigger" "bump" {
  project         = var.project_id
  location        = var.region
  name            = var.name
  description     = "Bumps yt-dlp (and the yt-dlp-ejs and deno it pins), runs the downloader tests, opens a pull request."
  service_account = google_service_account.build.id

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
  project          = var.project_id
  region           = var.region
  name             = var.name
  description      = "Runs the ${var.name} Cloud Build trigger."
  schedule         = var.schedule
  time_zone        = var.time_zone
  attempt_deadline = "60s"

  retry_config {
    retry_count = 1
  }

  http_target {
    http_method = "POST"
    uri         = local.run_uri
    body        = base64encode(jsonencode({ source = { branchName = var.base_branch } }))
    headers = {
      "Content-Type" = "application/json"
    }

    # Google APIs take OAuth access tokens (OIDC tokens are for Cloud Run and functions).
    oauth_token {
      service_account_email = google_service_account.scheduler.email
      scope                 = "https://www.googleapis.com/auth/cloud-platform"
    }
  }

  depends_on = [google_project_iam_member.scheduler_runs_builds]
}
