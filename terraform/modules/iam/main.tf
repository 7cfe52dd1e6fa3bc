# Identities and least privilege: one runtime account per function with only the roles its
# handlers use, one invoker account per push consumer, one for Cloud Tasks and one for Cloud
# Scheduler, and one that Cloud Build builds the functions as.

locals {
  project_grants = merge([
    for fn, a in var.functions : { for role in a.project_roles : "${fn}/${role}" => { fn = fn, role = role } }
  ]...)
  bucket_grants = merge([
    for fn, a in var.functions : { for role in a.bucket_roles : "${fn}/${role}" => { fn = fn, role = role } }
  ]...)
  publish_grants = merge([
    for fn, a in var.functions : { for topic in a.publishes : "${fn}/${topic}" => { fn = fn, topic = topic } }
  ]...)
  signers    = toset([for fn, a in var.functions : fn if a.signs_urls])
  enqueuers  = toset([for fn, a in var.functions : fn if a.enqueues_tasks])
  build_role = toset(var.build_project_roles)
}

resource "google_service_account" "function" {
  for_each = var.functions

  project      = var.project_id
  account_id   = "${var.name_prefix}-${each.key}"
  display_name = "Klair ${each.key} function"
  description  = "Runtime identity of the ${each.key} function."
}

resource "google_project_iam_member" "function" {
  for_each = local.project_grants

  project = var.project_id
  role    = each.value.role
  member  = google_service_account.function[each.value.fn].member
}

resource "google_storage_bucket_iam_member" "function" {
  for_each = local.bucket_grants

  bucket = var.bucket_name
  role   = each.value.role
  member = google_service_account.function[each.value.fn].member
}

resource "google_pubsub_topic_iam_member" "function" {
  for_each = local.publish_grants

  project = var.project_id
  topic   = var.topic_ids[each.value.topic]
  role    = "roles/pubsub.publisher"
  member  = google_service_account.function[each.value.fn].member
}

# V4 signed URLs without a key file: the function signs with IAM signBlob as itself.
resource "google_service_account_iam_member" "self_signer" {
  for_each = local.signers

  service_account_id = google_service_account.function[each.key].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = google_service_account.function[each.key].member
}

resource "google_service_account" "push" {
  for_each = var.push_functions

  project      = var.project_id
  account_id   = "${var.name_prefix}-push-${each.key}"
  display_name = "Klair Pub/Sub push to ${each.key}"
  description  = "OIDC identity of the push subscriptions that deliver to ${each.key}; holds run.invoker on it only."
}

resource "google_service_account" "tasks" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-tasks"
  display_name = "Klair Cloud Tasks invoker"
  description  = "OIDC identity of tier-queue tasks (Settings.tasks_service_account); holds run.invoker on the task target only."
}

# Creating a task that carries an OIDC token for the tasks account is acting as it.
resource "google_service_account_iam_member" "tasks_user" {
  for_each = local.enqueuers

  service_account_id = google_service_account.tasks.name
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.function[each.key].member
}

resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-scheduler"
  display_name = "Klair Cloud Scheduler invoker"
  description  = "OIDC identity of scheduled jobs; holds run.invoker on their targets only."
}

resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-build"
  display_name = "Klair function builds"
  description  = "Cloud Build identity that turns the source zips into function images."
}

resource "google_project_iam_member" "build" {
  for_each = local.build_role

  project = var.project_id
  role    = each.key
  member  = google_service_account.build.member
}

resource "google_storage_bucket_iam_member" "build_source" {
  bucket = var.source_bucket
  role   = "roles/storage.objectViewer"
  member = google_service_account.build.member
}
