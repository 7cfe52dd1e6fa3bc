output "name" {
  description = "Function name (= Cloud Run service name)."
  value       = google_cloudfunctions2_function.this.name
}

output "uri" {
  description = "HTTPS URI of the function's Cloud Run service: push endpoint and OIDC audience."
  value       = google_cloudfunctions2_function.this.service_config[0].uri
}

output "url" {
  description = "The cloudfunctions.net URL of the function."
  value       = google_cloudfunctions2_function.this.url
}

output "service" {
  description = "Full resource name of the underlying Cloud Run service."
  value       = google_cloudfunctions2_function.this.service_config[0].service
}
