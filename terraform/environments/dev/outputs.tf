output "api_url" {
  description = "Base URL of the public API."
  value       = module.klair.api_url
}

output "webhooks_url" {
  description = "Base URL for Clerk and Sieve webhooks."
  value       = module.klair.webhooks_url
}

output "bucket" {
  description = "Media bucket name."
  value       = module.klair.bucket
}

output "topics" {
  description = "Topic names."
  value       = module.klair.topics
}

output "klair" {
  description = "Every output of the deployment: function URIs, subscriptions, queues, service accounts."
  value       = module.klair
}
