# SLOs and alert policies. Each policy's documentation points at the README's "Operating
# Klair", which says what the alert means and what to do.

locals {
  # Log metric short name => the time-series filter that selects it.
  series = {
    for name, _ in local.log_metrics : trimprefix(name, "klair/") =>
    "metric.type=\"${local.user}/${name}\" AND resource.type=\"cloud_run_revision\""
  }
  runbook = "See \"Operating Klair\" in the repository's README.md."
}

resource "google_monitoring_custom_service" "klair" {
  project      = var.project_id
  service_id   = "${var.name_prefix}-pipeline"
  display_name = "${var.name_prefix} pipeline"
}

# Of the jobs that ended (cancelled ones aside), the share that completed.
resource "google_monitoring_slo" "job_success" {
  project             = var.project_id
  service             = google_monitoring_custom_service.klair.service_id
  slo_id              = "job-success"
  display_name        = "Jobs complete"
  goal                = var.job_success_goal
  rolling_period_days = 28

  request_based_sli {
    good_total_ratio {
      good_service_filter = "${local.series.jobs_finished} AND metric.label.outcome=\"completed\""
      bad_service_filter  = "${local.series.jobs_finished} AND metric.label.outcome=\"failed\""
    }
  }

  depends_on = [google_logging_metric.this]
}

# Completed jobs whose submit-to-results time per source minute is within the target.
resource "google_monitoring_slo" "time_to_results" {
  project             = var.project_id
  service             = google_monitoring_custom_service.klair.service_id
  slo_id              = "time-to-results"
  display_name        = "Results within ${var.seconds_per_source_minute_target} s per source minute"
  goal                = var.time_to_results_goal
  rolling_period_days = 28

  request_based_sli {
    distribution_cut {
      distribution_filter = local.series.seconds_per_source_minute
      range {
        max = var.seconds_per_source_minute_target
      }
    }
  }

  depends_on = [google_logging_metric.this]
}

resource "google_monitoring_alert_policy" "job_success" {
  project               = var.project_id
  display_name          = "${var.name_prefix}: job success rate burning its error budget"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "Error budget burn rate over 1 h above 10x"
    condition_threshold {
      filter          = "select_slo_burn_rate(\"${google_monitoring_slo.job_success.id}\", \"3600s\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 10
      duration        = "0s"
    }
  }

  documentation {
    content   = "Jobs are failing faster than the ${var.job_success_goal} success SLO allows. ${local.runbook}"
    mime_type = "text/markdown"
  }
}

resource "google_monitoring_alert_policy" "time_to_results" {
  project               = var.project_id
  display_name          = "${var.name_prefix}: p95 time to results per source minute"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "p95 over 1 h above ${var.seconds_per_source_minute_target} s per source minute"
    condition_threshold {
      filter          = local.series.seconds_per_source_minute
      comparison      = "COMPARISON_GT"
      threshold_value = var.seconds_per_source_minute_target
      duration        = "0s"
      aggregations {
        alignment_period     = "3600s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_PERCENTILE_95"
      }
    }
  }

  documentation {
    content   = "Completed jobs are slow for their length. ${local.runbook}"
    mime_type = "text/markdown"
  }

  depends_on = [google_logging_metric.this]
}

resource "google_monitoring_alert_policy" "unacked_age" {
  project               = var.project_id
  display_name          = "${var.name_prefix}: oldest unacked message per subscription"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "Oldest unacked message older than ${var.max_unacked_age_seconds} s"
    condition_threshold {
      filter          = "resource.type=\"pubsub_subscription\" AND metric.type=\"pubsub.googleapis.com/subscription/oldest_unacked_message_age\" AND resource.label.subscription_id=one_of(${join(", ", [for s in var.subscriptions : "\"${s}\""])})"
      comparison      = "COMPARISON_GT"
      threshold_value = var.max_unacked_age_seconds
      duration        = "300s"
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
        group_by_fields    = ["resource.label.subscription_id"]
      }
    }
  }

  documentation {
    content   = "A subscription's consumer is not keeping up (or keeps failing). ${local.runbook}"
    mime_type = "text/markdown"
  }
}

resource "google_monitoring_alert_policy" "dead_letters" {
  project               = var.project_id
  display_name          = "${var.name_prefix}: dead-letter topic not empty"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "A message was dead-lettered"
    condition_threshold {
      filter          = local.series.dead_letters
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.subscription"]
      }
    }
  }

  conditions {
    display_name = "Dead letters waiting (the fail consumer is not draining them)"
    condition_threshold {
      filter          = "resource.type=\"pubsub_subscription\" AND metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.label.subscription_id=one_of(${join(", ", [for s in var.dead_letter_subscriptions : "\"${s}\""])})"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "600s"
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  documentation {
    content   = "Messages ran out of delivery attempts; their jobs were failed and refunded. ${local.runbook}"
    mime_type = "text/markdown"
  }

  depends_on = [google_logging_metric.this]
}

resource "google_monitoring_alert_policy" "stalled_jobs" {
  project               = var.project_id
  display_name          = "${var.name_prefix}: stalled jobs re-driven"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "The sweeper re-drove a stalled job"
    condition_threshold {
      filter          = local.series.stalled_jobs
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "900s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.status"]
      }
    }
  }

  documentation {
    content   = "Jobs sat in a stage past its budget. ${local.runbook}"
    mime_type = "text/markdown"
  }

  depends_on = [google_logging_metric.this]
}

resource "google_monitoring_alert_policy" "webhook_failures" {
  project               = var.project_id
  display_name          = "${var.name_prefix}: outbound webhook failures"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "More than ${var.webhook_failures_per_hour} failed webhook attempts in an hour"
    condition_threshold {
      filter          = local.series.webhook_failures
      comparison      = "COMPARISON_GT"
      threshold_value = var.webhook_failures_per_hour
      duration        = "0s"
      aggregations {
        alignment_period     = "3600s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  documentation {
    content   = "Customers' webhook receivers are failing or refusing deliveries. ${local.runbook}"
    mime_type = "text/markdown"
  }

  depends_on = [google_logging_metric.this]
}
