output "function_service_accounts" {
  description = "Function name => runtime service account email."
  value       = { for fn, sa in google_service_account.function : fn => sa.email }
}

output "push_service_accounts" {
  description = "Function name => email of the account its push subscriptions sign OIDC tokens as."
  value       = { for fn, sa in google_service_account.push : fn => sa.email }
}

output "tasks_service_account" {
  description = "Email of the Cloud Tasks invoker (KLAIR_TASKS_SERVICE_ACCOUNT)."
  value       = google_service_account.tasks.email
}

output "scheduler_service_account" {
  description = "Email of the Cloud Scheduler invoker."
  value       = google_service_account.scheduler.email
}

output "build_service_account" {
  description = "Full id of the build account (build_config.service_account)."
  value       = google_service_account.build.id
}
