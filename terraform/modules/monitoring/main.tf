# Klair's operations in Cloud Monitoring: log-based metrics read from the structured JSON lines
# the functions already write, alert policies and SLOs on them and on Pub/Sub's own metrics,
# and one dashboard. The metric list (names, filters, fields) is generated from
# shared/klair/domain/telemetry.py into log_metrics.json: edit the Python, then run
# `python scripts/log_metrics.py` (tests/unit/test_monitoring.py checks both agree).

locals {
  log_metrics = { for m in jsondecode(file("${path.module}/log_metrics.json")) : m.name => m }
  user        = "logging.googleapis.com/user"
}

resource "google_logging_metric" "this" {
  for_each = local.log_metrics

  project     = var.project_id
  name        = each.key
  description = each.value.description
  filter      = each.value.filter

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = each.value.value_type
    unit        = each.value.unit

    dynamic "labels" {
      for_each = each.value.labels
      content {
        key        = labels.key
        value_type = "STRING"
      }
    }
  }

  value_extractor  = each.value.value_extractor
  label_extractors = each.value.labels

  dynamic "bucket_options" {
    for_each = each.value.buckets == null ? [] : [each.value.buckets]
    content {
      exponential_buckets {
        num_finite_buckets = bucket_options.value.count
        growth_factor      = bucket_options.value.growth
        scale              = bucket_options.value.scale
      }
    }
  }
}
