output "queue_ids" {
  description = "Queue name => full queue id."
  value       = { for name, q in google_cloud_tasks_queue.tier : name => q.id }
}

output "queue_names" {
  description = "Queue names, one per tier."
  value       = sort(keys(google_cloud_tasks_queue.tier))
}
