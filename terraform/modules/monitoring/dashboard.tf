# One dashboard with the series the alerts watch: jobs by outcome, time per source minute,
# stage durations, queue wait, Gemini spend, dead letters, stalled jobs, webhook failures and
# each subscription's oldest unacked message.

locals {
  # Title => [filter, aligner, reducer, group by].
  panels = [
    ["Jobs finished by outcome", local.series.jobs_finished, "ALIGN_DELTA", "REDUCE_SUM", ["metric.label.outcome"]],
    ["Jobs failed by code", "${local.series.jobs_finished} AND metric.label.outcome=\"failed\"", "ALIGN_DELTA", "REDUCE_SUM", ["metric.label.code"]],
    ["p95 seconds per source minute", local.series.seconds_per_source_minute, "ALIGN_DELTA", "REDUCE_PERCENTILE_95", []],
    ["p95 stage duration (s)", local.series.stage_seconds, "ALIGN_DELTA", "REDUCE_PERCENTILE_95", ["metric.label.from_status"]],
    ["p95 queue wait (s)", local.series.queue_wait_seconds, "ALIGN_DELTA", "REDUCE_PERCENTILE_95", []],
    ["Gemini chunks analysed by model", local.series.gemini_usd, "ALIGN_DELTA", "REDUCE_COUNT", ["metric.label.model"]],
    ["Dead letters", local.series.dead_letters, "ALIGN_DELTA", "REDUCE_SUM", ["metric.label.subscription"]],
    ["Stalled jobs re-driven", local.series.stalled_jobs, "ALIGN_DELTA", "REDUCE_SUM", ["metric.label.status"]],
    ["Webhook failures", local.series.webhook_failures, "ALIGN_DELTA", "REDUCE_SUM", ["metric.label.state"]],
    ["Oldest unacked message (s)", "resource.type=\"pubsub_subscription\" AND metric.type=\"pubsub.googleapis.com/subscription/oldest_unacked_message_age\"", "ALIGN_MAX", "REDUCE_MAX", ["resource.label.subscription_id"]],
  ]
}

resource "google_monitoring_dashboard" "operations" {
  project = var.project_id
  dashboard_json = jsonencode({
    displayName = "${var.name_prefix} operations"
    mosaicLayout = {
      columns = 12
      tiles = concat(
        [for i, p in local.panels : {
          xPos   = (i % 2) * 6
          yPos   = floor(i / 2) * 4
          width  = 6
          height = 4
          widget = {
            title = p[0]
            xyChart = {
              dataSets = [{
                plotType = "LINE"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = p[1]
                    aggregation = {
                      alignmentPeriod    = "300s"
                      perSeriesAligner   = p[2]
                      crossSeriesReducer = p[3]
                      groupByFields      = p[4]
                    }
                  }
                }
              }]
            }
          }
        }],
        [{
          xPos   = 0
          yPos   = ceil(length(local.panels) / 2) * 4
          width  = 12
          height = 4
          widget = {
            title = "Gemini spend (USD per hour)"
            xyChart = {
              dataSets = [{
                plotType = "STACKED_BAR"
                timeSeriesQuery = {
                  # The sum of a distribution's values: mean × count, summed per model.
                  timeSeriesQueryLanguage = "fetch cloud_run_revision | metric '${local.user}/klair/gemini_usd' | align delta(1h) | every 1h | group_by [metric.model], [usd: sum(sum_from(val()))]"
                }
              }]
            }
          }
        }]
      )
    }
  })

  depends_on = [google_logging_metric.this]
}
