# Topics, the dead-letter topic and one push subscription per (topic, function) pair: OIDC
# push to the function's URI, server-side filter, retry policy and dead-letter policy, exactly
# as emulator-config/topology.yaml wires them locally.

locals {
  topics        = toset(concat(var.topics, [var.dead_letter_topic]))
  subscriptions = { for s in var.subscriptions : s.name => s }
  dead_lettered = { for name, s in local.subscriptions : name => s if s.dead_letter }
  pubsub_agent  = "serviceAccount:service-${var.project_number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  push_accounts = toset([for s in var.subscriptions : s.function])
}

resource "google_pubsub_topic" "this" {
  #checkov:skip=CKV_GCP_83:Messages carry object names and ids only; Google-managed encryption is enough.
  for_each = local.topics

  project                    = var.project_id
  name                       = each.key
  labels                     = var.labels
  message_retention_duration = var.topic_retention
}

resource "google_pubsub_subscription" "push" {
  for_each = local.subscriptions

  project              = var.project_id
  name                 = each.key
  topic                = google_pubsub_topic.this[each.value.topic].id
  ack_deadline_seconds = each.value.ack_deadline
  filter               = each.value.filter
  labels               = merge(var.labels, { function = each.value.function })

  message_retention_duration = var.subscription_retention

  expiration_policy {
    ttl = ""
  }

  push_config {
    push_endpoint = var.push_endpoints[each.value.function]

    oidc_token {
      service_account_email = var.push_service_accounts[each.value.function]
      audience              = var.push_endpoints[each.value.function]
    }
  }

  retry_policy {
    minimum_backoff = var.retry_policy.minimum_backoff
    maximum_backoff = var.retry_policy.maximum_backoff
  }

  dynamic "dead_letter_policy" {
    for_each = each.value.dead_letter ? [1] : []
    content {
      dead_letter_topic     = google_pubsub_topic.this[var.dead_letter_topic].id
      max_delivery_attempts = each.value.max_delivery_attempts
    }
  }
}

# Dead-lettering: the Pub/Sub service agent publishes to the DLQ and acks the source.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.this[var.dead_letter_topic].name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each = local.dead_lettered

  project      = var.project_id
  subscription = google_pubsub_subscription.push[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

# The service agent mints the OIDC tokens of each push identity.
resource "google_service_account_iam_member" "push_token_creator" {
  for_each = local.push_accounts

  service_account_id = "projects/${var.project_id}/serviceAccounts/${var.push_service_accounts[each.key]}"
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent
}
