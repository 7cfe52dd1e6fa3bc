output "api_url" {
  description = "Base URL of the public API."
  value       = module.functions["api"].uri
}

output "webhooks_url" {
  description = "Base URL for Clerk and Sieve webhooks."
  value       = module.functions["webhooks"].uri
}

output "ingest_url" {
  description = "Where tier-queue tasks are delivered (KLAIR_INGEST_URL)."
  value       = local.ingest_url
}

output "function_uris" {
  description = "Function => HTTPS URI."
  value       = { for name, f in module.functions : name => f.uri }
}

output "bucket" {
  description = "Media bucket name."
  value       = module.media_bucket.name
}

output "topics" {
  description = "Topic names."
  value       = module.pubsub.topic_names
}

output "subscriptions" {
  description = "Subscription name => id."
  value       = module.pubsub.subscription_ids
}

output "queues" {
  description = "Tier queue names."
  value       = module.tier_queues.queue_names
}

output "service_accounts" {
  description = "Function => runtime service account email."
  value       = module.iam.function_service_accounts
}

output "project_number" {
  description = "Number of the project (part of every function's Cloud Run URL)."
  value       = data.google_project.this.number
}
