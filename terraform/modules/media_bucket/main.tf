# The one media bucket: uploads, sources, work files and clips, each prefix with its own
# lifetime, and every finalize published to the notification topic (JSON_API_V1), the same
# message fake-gcs-server publishes locally.

data "google_storage_project_service_account" "gcs" {
  project = var.project_id
}

resource "google_storage_bucket" "media" {
  #checkov:skip=CKV_GCP_62:Access logs to a second bucket add cost; Data Access audit logs cover object reads.
  #checkov:skip=CKV_GCP_78:Media is derived or re-uploadable and expires by prefix; versioning would keep deleted media alive.
  project                     = var.project_id
  name                        = var.name
  location                    = var.location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy
  labels                      = var.labels

  versioning {
    enabled = false
  }

  # Expired media is meant to be gone: no soft-delete copies billed after lifecycle deletes.
  soft_delete_policy {
    retention_duration_seconds = var.soft_delete_seconds
  }

  dynamic "lifecycle_rule" {
    for_each = var.lifecycle_days
    content {
      condition {
        age            = lifecycle_rule.value
        matches_prefix = [lifecycle_rule.key]
      }
      action {
        type = "Delete"
      }
    }
  }

  # Signed PUT uploads that were never finished.
  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  dynamic "cors" {
    for_each = length(var.cors_origins) > 0 ? [1] : []
    content {
      origin          = var.cors_origins
      method          = ["PUT", "POST", "GET", "HEAD", "OPTIONS"]
      response_header = ["Content-Type", "Content-Length", "Content-Range", "X-Goog-Content-Length-Range", "X-Goog-Resumable", "Location", "ETag"]
      max_age_seconds = 3600
    }
  }
}

# The GCS service agent publishes the notifications.
resource "google_pubsub_topic_iam_member" "gcs_publisher" {
  project = var.project_id
  topic   = var.notification_topic_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

resource "google_storage_notification" "finalize" {
  bucket         = google_storage_bucket.media.name
  payload_format = "JSON_API_V1"
  topic          = var.notification_topic_id
  event_types    = var.notification_event_types

  depends_on = [google_pubsub_topic_iam_member.gcs_publisher]
}
