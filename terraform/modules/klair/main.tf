# The whole of Klair in one project, composed from the other modules; environments/dev and
# environments/prod call it with their own values. Every topic, subscription, queue and function
# comes from emulator-config/topology.yaml, the file the local stack reads too, so local and
# cloud wiring cannot drift.

locals {
  topology = yamldecode(file("${path.module}/../../../emulator-config/topology.yaml"))

  function_names = { for name, _ in local.topology.functions : name => "${var.name_prefix}-${name}" }
  push_functions = toset([for s in local.topology.subscriptions : s.function])

  # The tier queues deliver StartIngest here (Settings.ingest_url). Its deterministic Cloud Run
  # URL is known before it exists, so the functions that enqueue need no dependency cycle.
  task_target     = "ingest"
  ingest_hostname = "${local.function_names[local.task_target]}-${data.google_project.this.number}"
  ingest_url      = "https://${local.ingest_hostname}.${var.region}.run.app"

  # The webhook queue's tasks go to notify (Settings.notify_url), the same way.
  webhook_target  = "notify"
  notify_hostname = "${local.function_names[local.webhook_target]}-${data.google_project.this.number}"
  notify_url      = "https://${local.notify_hostname}.${var.region}.run.app"

  # Scheduled HTTP functions => cron.
  schedules = { sweeper = var.sweeper_schedule }

  labels = var.labels

  # What each function's handlers touch, and nothing more. Keys must be the topology's functions.
  # Every function that can end a job (a permanent failure, a cancel, a deletion) announces it
  # on job-finished, which the notify function turns into the owner's webhook events.
  access = {
    api       = { project_roles = ["roles/datastore.user"], bucket_roles = ["roles/storage.objectUser"], publishes = ["job-finished", "clip-selected"], enqueues_tasks = true, signs_urls = true }
    webhooks  = { project_roles = ["roles/datastore.user"], bucket_roles = ["roles/storage.objectUser"], publishes = ["job-finished"] }
    ingest    = { project_roles = ["roles/datastore.user"], bucket_roles = ["roles/storage.objectUser"], publishes = ["job-finished"] }
    admit     = { project_roles = ["roles/datastore.user"], bucket_roles = ["roles/storage.objectViewer"], publishes = ["job-finished"], enqueues_tasks = true }
    transcode = { project_roles = ["roles/datastore.user"], bucket_roles = ["roles/storage.objectUser"], publishes = ["chunk-ready", "job-finished"] }
    analyze   = { project_roles = ["roles/datastore.user", "roles/aiplatform.user"], bucket_roles = ["roles/storage.objectViewer"], publishes = ["analysis-completed", "job-finished"] }
    select    = { project_roles = ["roles/datastore.user"], bucket_roles = ["roles/storage.objectViewer"], publishes = ["clip-selected", "job-finished"] }
    export    = { project_roles = ["roles/datastore.user"], bucket_roles = ["roles/storage.objectUser"], publishes = ["clip-exported", "job-finished"], signs_urls = true }
    fail      = { project_roles = ["roles/datastore.user"], publishes = ["job-finished"] }
    sweeper   = { project_roles = ["roles/datastore.user"], publishes = ["chunk-ready", "analysis-completed", "clip-selected", "job-finished"], enqueues_tasks = true }
    # Creates tasks on the webhook queue only (granted below); acts as the tasks account.
    notify = { project_roles = ["roles/datastore.user"], enqueues_tasks = true }
  }

  # Settings read by every function (KLAIR_<field upper>).
  env = {
    KLAIR_MODE                  = "cloud"
    KLAIR_PROJECT               = var.project_id
    KLAIR_REGION                = var.region
    KLAIR_BUCKET                = module.media_bucket.name
    KLAIR_FIRESTORE_DATABASE    = module.firestore.name
    KLAIR_INGEST_URL            = local.ingest_url
    KLAIR_TASKS_SERVICE_ACCOUNT = module.iam.tasks_service_account
    KLAIR_NOTIFY_URL            = local.notify_url
    KLAIR_WEBHOOK_QUEUE         = google_cloud_tasks_queue.webhooks.name
    KLAIR_WEBHOOK_MAX_ATTEMPTS  = tostring(local.topology.webhook_queue.max_attempts)
    KLAIR_LOG_LEVEL             = var.log_level
  }

  # Settings only the public functions (which verify Clerk tokens) read.
  clerk_env = { for name, value in {
    KLAIR_CLERK_ISSUER             = var.clerk_issuer
    KLAIR_CLERK_JWKS_URL           = var.clerk_jwks_url
    KLAIR_CLERK_AUTHORIZED_PARTIES = length(var.clerk_authorized_parties) > 0 ? jsonencode(var.clerk_authorized_parties) : null
  } : name => value if value != null }

  # Sieve autocrop: the export function submits, the webhooks function takes the callback.
  # The API key and callback secret come from Secret Manager (`function_secrets`:
  # KLAIR_SIEVE_API_KEY, KLAIR_SIEVE_CALLBACK_SECRET); Sieve stays off until both are set.
  sieve_functions = ["export", "webhooks"]
  sieve_env = { for name, value in {
    KLAIR_SIEVE_API_URL = var.sieve_api_url
    KLAIR_WEBHOOKS_URL  = var.sieve_callback_base_url
  } : name => value if value != null }

  # Downloads (ingest alone downloads: `inspect` and `download`) from data-centre addresses:
  # the operator's egress proxy and YouTube cookies, from Secret Manager when their secret ids
  # are set (the secrets are created and filled outside terraform). Residual risks: README.md,
  # "Operating Klair".
  download_function = "ingest"
  download_secrets = [for s in [
    { env = "KLAIR_EGRESS_PROXY", secret = var.egress_proxy_secret, version = "latest" },
    { env = "KLAIR_YTDLP_COOKIES", secret = var.ytdlp_cookies_secret, version = "latest" },
  ] : s if s.secret != null]
  download_env = { KLAIR_EGRESS_PROXY_USE = var.egress_proxy_use }

  # Who may invoke each function: its push identity, the tasks or scheduler identity, or anyone.
  invokers = {
    for name, _ in local.topology.functions : name => merge(
      contains(local.push_functions, name) ? { pubsub = "serviceAccount:${module.iam.push_service_accounts[name]}" } : {},
      contains([local.task_target, local.webhook_target], name) ? { tasks = "serviceAccount:${module.iam.tasks_service_account}" } : {},
      contains(keys(local.schedules), name) ? { scheduler = "serviceAccount:${module.iam.scheduler_service_account}" } : {},
      contains(var.public_functions, name) ? { public = "allUsers" } : {},
    )
  }

  apis = [
    "aiplatform.googleapis.com",
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com",
    "cloudtasks.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ]
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_project_service" "this" {
  for_each = var.enable_apis ? toset(concat(local.apis, var.budget == null ? [] : ["billingbudgets.googleapis.com"])) : toset([])

  project            = var.project_id
  service            = each.key
  disable_on_destroy = false
}

module "firestore" {
  source = "../firestore"

  project_id             = var.project_id
  location               = coalesce(var.firestore_location, var.region)
  delete_protection      = var.firestore_delete_protection
  point_in_time_recovery = var.firestore_point_in_time_recovery

  depends_on = [google_project_service.this]
}

module "pubsub" {
  source = "../pubsub_pipeline"

  project_id            = var.project_id
  project_number        = data.google_project.this.number
  topics                = local.topology.topics
  dead_letter_topic     = local.topology.dead_letter_topic
  subscriptions         = local.topology.subscriptions
  retry_policy          = local.topology.retry_policy
  push_endpoints        = { for name in local.push_functions : name => module.functions[name].uri }
  push_service_accounts = module.iam.push_service_accounts
  labels                = local.labels

  depends_on = [google_project_service.this]
}

module "media_bucket" {
  source = "../media_bucket"

  project_id               = var.project_id
  name                     = coalesce(var.bucket_name, "${var.project_id}-${local.topology.bucket}")
  location                 = coalesce(var.bucket_location, var.region)
  cors_origins             = var.cors_origins
  notification_topic_id    = module.pubsub.topic_ids[local.topology.notification.topic]
  notification_event_types = local.topology.notification.event_types
  force_destroy            = var.bucket_force_destroy
  labels                   = local.labels

  depends_on = [google_project_service.this]
}

module "iam" {
  source = "../iam"

  project_id     = var.project_id
  name_prefix    = var.name_prefix
  functions      = { for name, _ in local.topology.functions : name => local.access[name] }
  push_functions = local.push_functions
  bucket_name    = module.media_bucket.name
  topic_ids      = module.pubsub.topic_ids
  source_bucket  = var.source_bucket

  depends_on = [google_project_service.this]
}

module "tier_queues" {
  source = "../tier_queues"

  project_id = var.project_id
  region     = var.region
  queues     = local.topology.queues
  enqueuers = {
    for name, a in local.access : name => "serviceAccount:${module.iam.function_service_accounts[name]}"
    if try(a.enqueues_tasks, false) && name != local.webhook_target
  }

  depends_on = [google_project_service.this]
}

# Outbound webhook deliveries (topology.webhook_queue): no tier, so not one of tier_queues'.
resource "google_cloud_tasks_queue" "webhooks" {
  project  = var.project_id
  location = var.region
  name     = local.topology.webhook_queue.name

  rate_limits {
    max_dispatches_per_second = local.topology.webhook_queue.max_dispatches_per_second
    max_concurrent_dispatches = local.topology.webhook_queue.max_concurrent_dispatches
  }

  retry_config {
    max_attempts  = local.topology.webhook_queue.max_attempts
    min_backoff   = local.topology.webhook_queue.min_backoff
    max_backoff   = local.topology.webhook_queue.max_backoff
    max_doublings = local.topology.webhook_queue.max_doublings
  }

  stackdriver_logging_config {
    sampling_ratio = 1.0
  }

  depends_on = [google_project_service.this]
}

resource "google_cloud_tasks_queue_iam_member" "webhook_enqueuer" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.webhooks.name
  role     = "roles/cloudtasks.enqueuer"
  member   = "serviceAccount:${module.iam.function_service_accounts[local.webhook_target]}"
}

module "functions" {
  source   = "../function"
  for_each = local.topology.functions

  project_id            = var.project_id
  region                = var.region
  name                  = local.function_names[each.key]
  description           = "Klair ${each.key} (${each.value.trigger})"
  entry_point           = each.value.entry_point
  source_bucket         = var.source_bucket
  source_object         = var.source_objects[each.key]
  build_service_account = module.iam.build_service_account
  runtime               = var.runtime
  memory                = each.value.memory
  cpu                   = tostring(each.value.cpu)
  timeout_seconds       = each.value.timeout
  concurrency           = each.value.concurrency
  min_instances         = try(var.scaling[each.key].min_instances, 0)
  max_instances         = coalesce(try(var.scaling[each.key].max_instances, null), var.default_max_instances)
  service_account_email = module.iam.function_service_accounts[each.key]
  ingress               = contains(var.public_functions, each.key) ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"
  env = merge(
    local.env,
    { KLAIR_SIGNER_EMAIL = module.iam.function_service_accounts[each.key] },
    contains(var.public_functions, each.key) ? local.clerk_env : {},
    contains(local.sieve_functions, each.key) ? local.sieve_env : {},
    each.key == local.download_function ? local.download_env : {},
  )
  secret_env = concat(
    try(var.function_secrets[each.key], []),
    each.key == local.download_function ? local.download_secrets : [],
  )
  invokers = local.invokers[each.key]
  labels   = merge(local.labels, { function = each.key })

  depends_on = [google_project_service.this]
}

module "schedules" {
  source   = "../scheduler"
  for_each = local.schedules

  project_id            = var.project_id
  region                = var.region
  name                  = "${var.name_prefix}-${each.key}"
  description           = "Runs the ${each.key} function."
  schedule              = each.value
  attempt_deadline      = "${local.topology.functions[each.key].timeout + 20}s"
  uri                   = module.functions[each.key].uri
  service_account_email = module.iam.scheduler_service_account

  depends_on = [google_project_service.this]
}

# The weekly yt-dlp bump (cloudbuild-ytdlp-bump.yaml), in the environment that sets it.
module "ytdlp_bump" {
  source   = "../ytdlp_bump"
  for_each = var.ytdlp_bump == null ? {} : { bump = var.ytdlp_bump }

  project_id            = var.project_id
  region                = var.region
  name                  = "${var.name_prefix}-ytdlp-bump"
  github_repository     = each.value.github_repository
  connection_repository = each.value.connection_repository
  base_branch           = each.value.base_branch
  github_token_secret   = each.value.github_token_secret
  schedule              = each.value.schedule

  depends_on = [google_project_service.this]
}

resource "google_billing_budget" "this" {
  count = var.budget == null ? 0 : 1

  billing_account = var.budget.billing_account
  display_name    = "Klair ${var.environment}"

  budget_filter {
    projects = ["projects/${data.google_project.this.number}"]
  }

  amount {
    specified_amount {
      currency_code = var.budget.currency_code
      units         = tostring(floor(var.budget.amount))
    }
  }

  dynamic "threshold_rules" {
    for_each = var.budget.thresholds
    content {
      threshold_percent = threshold_rules.value
    }
  }

  depends_on = [google_project_service.this]
}

check "ingest_url_is_deterministic" {
  assert {
    condition     = max(length(local.ingest_hostname), length(local.notify_hostname)) <= 63
    error_message = "Cloud Run gives no deterministic URL when SERVICE-PROJECT_NUMBER exceeds 63 characters: shorten name_prefix."
  }
}
