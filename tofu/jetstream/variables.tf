variable "servers" {
  type        = string
  description = "Comma-separated NATS URLs of the application account, e.g. nats://127.0.0.1:14222 (local sandbox) or the haproxy client address"
}

variable "user" {
  type        = string
  description = "NATS user with JetStream management rights (the sandbox's admin)"
  default     = "admin"
}

variable "password" {
  type        = string
  description = "Password of var.user (the local sandbox keeps it in .sandbox/secrets.json)"
  default     = null
  sensitive   = true
}

variable "tls_ca_file" {
  type        = string
  description = "CA certificate (PEM) that signed the servers' certificates"
  default     = null
}

variable "tls_cert_file" {
  type        = string
  description = "Client certificate (PEM) of the admin identity, for mTLS"
  default     = null
}

variable "tls_key_file" {
  type        = string
  description = "Key (PEM) of var.tls_cert_file"
  default     = null
}

variable "regions" {
  type        = list(string)
  description = "Cluster names: one regional stream each, all sourced into events-all"
  default     = ["c1", "c2", "c3"]
}

variable "stretched_replicas" {
  type        = number
  description = "Replicas on xr-js: one per datacenter (unique_tag az), so at most the number of regions, and 3 at most"
  default     = 3
}

variable "regional_replicas" {
  type        = number
  description = "Replicas of each regional stream inside its cluster's JetStream servers"
  default     = 3
}
