variable "project_id" {
  type        = string
  description = "Project that owns the topics and subscriptions."
}

variable "project_number" {
  type        = string
  description = "Project number, to name the Pub/Sub service agent."
}

variable "topics" {
  type        = list(string)
  description = "Topic names (topology.topics); names are the event contracts, so no prefix is added."
}

variable "dead_letter_topic" {
  type        = string
  description = "Topic that dead-lettered messages go to (topology.dead_letter_topic)."
}

variable "subscriptions" {
  type = list(object({
    name                  = string
    topic                 = string
    function              = string
    ack_deadline          = optional(number, 60)
    filter                = optional(string)
    max_delivery_attempts = optional(number, 5)
    dead_letter           = optional(bool, true)
  }))
  description = "Push subscriptions (topology.subscriptions): one per topic and consuming function."

  validation {
    condition     = alltrue([for s in var.subscriptions : s.ack_deadline >= 10 && s.ack_deadline <= 600])
    error_message = "ack_deadline is between 10 and 600 seconds."
  }

  validation {
    condition     = alltrue([for s in var.subscriptions : s.max_delivery_attempts >= 5 && s.max_delivery_attempts <= 100])
    error_message = "max_delivery_attempts is between 5 and 100 (Pub/Sub limits)."
  }
}

variable "retry_policy" {
  type = object({
    minimum_backoff = string
    maximum_backoff = string
  })
  description = "Exponential backoff between redeliveries (topology.retry_policy), e.g. 5s / 300s."
}

variable "push_endpoints" {
  type        = map(string)
  description = "Function name => HTTPS URI that its subscriptions push to (also the OIDC audience)."
}

variable "push_service_accounts" {
  type        = map(string)
  description = "Function name => email of the invoker service account whose OIDC token signs its pushes."
}

variable "topic_retention" {
  type        = string
  description = "How long topics keep messages for replay (seek)."
  default     = "86400s"
}

variable "subscription_retention" {
  type        = string
  description = "How long unacked messages are kept on a subscription."
  default     = "604800s"
}

variable "labels" {
  type        = map(string)
  description = "Labels on topics and subscriptions."
  default     = {}
}
