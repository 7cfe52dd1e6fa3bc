# One Cloud Functions gen2 function (python311) built from a zip in GCS, running as its own
# service account, with plain and Secret Manager environment, and who may invoke it.

resource "google_cloudfunctions2_function" "this" {
  project     = var.project_id
  location    = var.region
  name        = var.name
  description = var.description
  labels      = var.labels

  build_config {
    runtime         = var.runtime
    entry_point     = var.entry_point
    service_account = var.build_service_account

    source {
      storage_source {
        bucket = var.source_bucket
        object = var.source_object
      }
    }
  }

  service_config {
    available_memory                 = var.memory
    available_cpu                    = var.cpu
    timeout_seconds                  = var.timeout_seconds
    max_instance_request_concurrency = var.concurrency
    min_instance_count               = var.min_instances
    max_instance_count               = var.max_instances
    service_account_email            = var.service_account_email
    ingress_settings                 = var.ingress
    all_traffic_on_latest_revision   = true
    environment_variables            = var.env

    dynamic "secret_environment_variables" {
      for_each = { for s in var.secret_env : s.env => s }
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value.secret
        version    = secret_environment_variables.value.version
      }
    }
  }

  depends_on = [google_secret_manager_secret_iam_member.accessor]
}

resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each = { for s in var.secret_env : s.env => s }

  project   = var.project_id
  secret_id = each.value.secret
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${var.service_account_email}"
}

# Gen2 functions are Cloud Run services of the same name: invocation is run.invoker there.
resource "google_cloud_run_service_iam_member" "invoker" {
  #checkov:skip=CKV_GCP_102:Only public functions (api, webhooks) get allUsers; they authenticate each request (Clerk JWT, Svix signature).
  for_each = var.invokers

  project  = var.project_id
  location = google_cloudfunctions2_function.this.location
  service  = google_cloudfunctions2_function.this.name
  role     = "roles/run.invoker"
  member   = each.value
}
