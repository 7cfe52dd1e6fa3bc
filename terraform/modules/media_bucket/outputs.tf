output "name" {
  description = "Bucket name."
  value       = google_storage_bucket.media.name
}

output "url" {
  description = "gs:// URL of the bucket."
  value       = google_storage_bucket.media.url
}

output "notification_id" {
  description = "Id of the finalize notification."
  value       = google_storage_notification.finalize.notification_id
}
