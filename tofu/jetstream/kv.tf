resource "jetstream_kv_bucket" "sandbox_config" {
  name              = "sandbox-config"
  description       = "sandbox settings shared by every region"
  history           = 5
  replicas          = var.stretched_replicas
  placement_cluster = "xr-js"
  placement_tags    = ["dc:xr"]
}
