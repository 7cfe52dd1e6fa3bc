output "log_metric_types" {
  description = "Log metric name => its Cloud Monitoring metric type."
  value       = { for name, m in google_logging_metric.this : name => "${local.user}/${m.name}" }
}

output "dashboard_id" {
  description = "The operations dashboard."
  value       = google_monitoring_dashboard.operations.id
}
