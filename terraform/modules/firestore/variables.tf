variable "project_id" {
  type        = string
  description = "Project that owns the database."
}

variable "database" {
  type        = string
  description = "Database id (Settings.firestore_database)."
  default     = "(default)"
}

variable "location" {
  type        = string
  description = "Firestore location: a region (e.g. us-central1) or multi-region (nam5, eur3)."
}

variable "point_in_time_recovery" {
  type        = bool
  description = "Keep 7 days of point-in-time recovery."
  default     = false
}

variable "delete_protection" {
  type        = bool
  description = "Refuse to delete the database (and abandon rather than delete it on destroy)."
  default     = true
}

variable "composite_indexes" {
  type = map(object({
    collection = string
    fields = list(object({
      field = string
      order = string
    }))
  }))
  description = "Name => composite index; the job listings filter by owner (and status) newest first."
  default = {
    jobs_by_owner = {
      collection = "jobs"
      fields = [
        { field = "owner", order = "ASCENDING" },
        { field = "created_at", order = "DESCENDING" },
      ]
    }
    jobs_idle = {
      collection = "jobs"
      fields = [
        { field = "status", order = "ASCENDING" },
        { field = "updated_at", order = "ASCENDING" },
      ]
    }
    jobs_by_owner_status = {
      collection = "jobs"
      fields = [
        { field = "owner", order = "ASCENDING" },
        { field = "status", order = "ASCENDING" },
        { field = "created_at", order = "DESCENDING" },
      ]
    }
  }

  validation {
    condition     = alltrue(flatten([for i in values(var.composite_indexes) : [for f in i.fields : contains(["ASCENDING", "DESCENDING"], f.order)]]))
    error_message = "Field order is ASCENDING or DESCENDING."
  }
}

variable "ttl_fields" {
  type = map(object({
    collection = string
    field      = string
  }))
  description = "Name => timestamp field whose documents Firestore deletes once the time has passed."
  default = {
    claims           = { collection = "claims", field = "expires_at" }
    webhook_messages = { collection = "webhook_messages", field = "expires_at" }
  }
}
