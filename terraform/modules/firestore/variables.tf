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
  description = "Name => composite index; must match emulator-config/firestore.indexes.json (tested)."
  default = {
    jobs_by_owner_created_at_desc = {
      collection = "jobs"
      fields = [
        { field = "owner", order = "ASCENDING" },
        { field = "created_at", order = "DESCENDING" },
      ]
    }
    jobs_by_owner_status_created_at_desc = {
      collection = "jobs"
      fields = [
        { field = "owner", order = "ASCENDING" },
        { field = "status", order = "ASCENDING" },
        { field = "created_at", order = "DESCENDING" },
      ]
    }
    jobs_by_owner_kind_created_at_desc = {
      collection = "jobs"
      fields = [
        { field = "owner", order = "ASCENDING" },
        { field = "kind", order = "ASCENDING" },
        { field = "created_at", order = "DESCENDING" },
      ]
    }
    jobs_by_owner_status_kind_created_at_desc = {
      collection = "jobs"
      fields = [
        { field = "owner", order = "ASCENDING" },
        { field = "status", order = "ASCENDING" },
        { field = "kind", order = "ASCENDING" },
        { field = "created_at", order = "DESCENDING" },
      ]
    }
    jobs_by_status_updated_at = {
      collection = "jobs"
      fields = [
        { field = "status", order = "ASCENDING" },
        { field = "updated_at", order = "ASCENDING" },
      ]
    }
    jobs_by_status_updated_at_desc = {
      collection = "jobs"
      fields = [
        { field = "status", order = "ASCENDING" },
        { field = "updated_at", order = "DESCENDING" },
      ]
    }
    jobs_by_status_tier_created_at = {
      collection = "jobs"
      fields = [
        { field = "status", order = "ASCENDING" },
        { field = "tier", order = "ASCENDING" },
        { field = "created_at", order = "ASCENDING" },
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
    idempotency      = { collection = "idempotency", field = "expires_at" }
    rate_limits      = { collection = "rate_limits", field = "expires_at" }
  }
}
