variable "project_id" {
  type        = string
  description = "Project that owns the bucket."
}

variable "name" {
  type        = string
  description = "Globally unique bucket name (Settings.bucket, KLAIR_BUCKET)."
}

variable "location" {
  type        = string
  description = "Bucket location; the functions' region keeps media reads and writes regional."
}

variable "lifecycle_days" {
  type        = map(number)
  description = "Object prefix => age in days after which objects under it are deleted."
  default = {
    "uploads/" = 2
    "work/"    = 7
    "sources/" = 30
    "clips/"   = 90
  }

  validation {
    condition     = alltrue([for prefix, days in var.lifecycle_days : endswith(prefix, "/") && days >= 1])
    error_message = "Prefixes end with '/' and ages are at least one day."
  }
}

variable "cors_origins" {
  type        = list(string)
  description = "Browser origins allowed to PUT to signed upload URLs and GET signed results; empty disables CORS."
  default     = []
}

variable "notification_topic_id" {
  type        = string
  description = "Full id (projects/P/topics/T) of the topic every object finalize is published to."
}

variable "notification_event_types" {
  type        = list(string)
  description = "GCS event types published to the notification topic."
  default     = ["OBJECT_FINALIZE"]
}

variable "soft_delete_seconds" {
  type        = number
  description = "Soft-delete retention; 0 disables it (lifecycle deletes are final)."
  default     = 0
}

variable "force_destroy" {
  type        = bool
  description = "Allow terraform to delete the bucket with objects in it (dev only)."
  default     = false
}

variable "labels" {
  type        = map(string)
  description = "Labels on the bucket."
  default     = {}
}
