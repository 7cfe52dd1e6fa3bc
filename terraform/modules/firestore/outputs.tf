output "name" {
  description = "Database id."
  value       = google_firestore_database.this.name
}

output "id" {
  description = "Full database resource id."
  value       = google_firestore_database.this.id
}
