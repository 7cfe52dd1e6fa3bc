terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }

  # The state bucket is given at init: terraform init -backend-config=bucket=<state bucket>.
  backend "gcs" {
    prefix = "klair/dev"
  }
}
