# Operations: what GET /api/health may read, and the monitoring of the whole pipeline.

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

# Metrics, alerts, SLOs and the dashboard (modules/monitoring); README "Operating Klair".
module "monitoring" {
  source = "../monitoring"

  project_id                = var.project_id
  name_prefix               = var.name_prefix
  notification_channels     = var.notification_channels
  subscriptions             = [for s in local.topology.subscriptions : s.name]
  dead_letter_subscriptions = [for s in local.topology.subscriptions : s.name if s.topic == local.topology.dead_letter_topic]

  depends_on = [google_project_service.this]
}
