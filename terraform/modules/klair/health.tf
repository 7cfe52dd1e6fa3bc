# GET /api/health (the api function) reads, besides Firestore and the media bucket its own roles
# cover: the job-finished topic's metadata and the webhook queue's (adapters/health_probes.py).
# Read-only roles on those two resources, nothing project-wide.

resource "google_pubsub_topic_iam_member" "health" {
  project = var.project_id
  topic   = module.pubsub.topic_ids["job-finished"]
  role    = "roles/pubsub.viewer"
  member  = "serviceAccount:${module.iam.function_service_accounts["api"]}"
}

resource "google_cloud_tasks_queue_iam_member" "health" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.webhooks.name
  role     = "roles/cloudtasks.viewer"
  member   = "serviceAccount:${module.iam.function_service_accounts["api"]}"
}
