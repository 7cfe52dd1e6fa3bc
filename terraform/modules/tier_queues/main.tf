# One Cloud Tasks queue per tier (topology.queues): the tier's dispatch rate and concurrency
# are the admission throttle in front of ingest.

locals {
  queues = { for q in var.queues : q.name => q }
  grants = merge([
    for queue in keys(local.queues) : {
      for label, member in var.enqueuers : "${queue}/${label}" => { queue = queue, member = member }
    }
  ]...)
}

resource "google_cloud_tasks_queue" "tier" {
  for_each = local.queues

  project  = var.project_id
  location = var.region
  name     = each.key

  rate_limits {
    max_dispatches_per_second = each.value.max_dispatches_per_second
    max_concurrent_dispatches = each.value.max_concurrent_dispatches
  }

  retry_config {
    max_attempts  = each.value.max_attempts
    min_backoff   = var.min_backoff
    max_backoff   = var.max_backoff
    max_doublings = 4
  }

  stackdriver_logging_config {
    sampling_ratio = var.log_sampling_ratio
  }
}

resource "google_cloud_tasks_queue_iam_member" "enqueuer" {
  for_each = local.grants

  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.tier[each.value.queue].name
  role     = "roles/cloudtasks.enqueuer"
  member   = each.value.member
}
