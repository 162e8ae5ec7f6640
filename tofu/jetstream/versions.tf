# The JetStream layout of nats/jetstream/spec.ts for the nats-io/jetstream OpenTofu provider.
# test/unit/jetstream-tofu.test.ts keeps these files identical to the spec: change both together.
terraform {
  required_version = ">= 1.8"
  required_providers {
    jetstream = {
      source = "nats-io/jetstream"
    }
  }
}

provider "jetstream" {
  servers = var.servers
  # With client certificates (verify_and_map) the certificate is the identity: no user/password.
  user     = var.tls_cert_file == null ? var.user : null
  password = var.tls_cert_file == null ? var.password : null

  dynamic "tls" {
    for_each = var.tls_ca_file == null ? [] : [1]
    content {
      ca_file   = var.tls_ca_file
      cert_file = var.tls_cert_file
      key_file  = var.tls_key_file
    }
  }
}
