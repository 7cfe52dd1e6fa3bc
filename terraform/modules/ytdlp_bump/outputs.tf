output "trigger_id" {
  description = "The Cloud Build trigger's id (run it by hand with `gcloud builds triggers run`)."
  value       = google_cloudbuild_trigger.bump.trigger_id
}

output "build_service_account" {
  description = "The account the bump's build runs as."
  value       = google_service_account.build.email
}
