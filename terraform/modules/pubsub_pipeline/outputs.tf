output "topic_ids" {
  description = "Topic name => full topic id."
  value       = { for name, t in google_pubsub_topic.this : name => t.id }
}

output "topic_names" {
  description = "Topic names."
  value       = sort(keys(google_pubsub_topic.this))
}

output "subscription_ids" {
  description = "Subscription name => full subscription id."
  value       = { for name, s in google_pubsub_subscription.push : name => s.id }
}
