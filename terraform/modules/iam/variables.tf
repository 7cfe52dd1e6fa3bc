variable "project_id" {
  type        = string
  description = "Project the identities live in."
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every service account id (ids are at most 30 characters)."
  default     = "klair"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,13}$", var.name_prefix))
    error_message = "name_prefix is 2-14 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "functions" {
  type = map(object({
    project_roles  = optional(list(string), [])
    bucket_roles   = optional(list(string), [])
    publishes      = optional(list(string), [])
    enqueues_tasks = optional(bool, false)
    signs_urls     = optional(bool, false)
  }))
  description = <<-EOT
    Function name => what its handlers touch: project roles, roles on the media bucket, topics
    it publishes to, whether it creates tier-queue tasks (acts as the tasks account) and
    whether it signs URLs (signBlob on itself).
  EOT

  validation {
    condition = alltrue(flatten([
      for a in values(var.functions) : [for r in a.project_roles : !contains(["roles/owner", "roles/editor", "roles/viewer"], r)]
    ]))
    error_message = "No basic roles: grant what the handlers use."
  }
}

variable "push_functions" {
  type        = set(string)
  description = "Functions that receive Pub/Sub pushes; each gets its own invoker account."
}

variable "bucket_name" {
  type        = string
  description = "Media bucket the bucket_roles apply to."
}

variable "topic_ids" {
  type        = map(string)
  description = "Topic name => full topic id, for publisher grants."
}

variable "source_bucket" {
  type        = string
  description = "Bucket holding the function source zips (read by the build account)."
}

variable "build_project_roles" {
  type        = list(string)
  description = "Project roles of the build account: Cloud Run Builder (build logs, image push, source reads) is the documented minimum for function builds."
  default     = ["roles/run.builder"]
}
