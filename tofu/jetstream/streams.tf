# answers: cross-region and strongly consistent: one replica in each datacenter of xr-js.
resource "jetstream_stream" "answers" {
  name             = "answers"
  description      = "math answers, one replica per datacenter: survives the loss of a region (strongly consistent)"
  subjects         = ["answers.significant", "answers.throwaway"]
  storage          = "file"
  max_age          = 432000 # 5 days
  duplicate_window = 120
  replicas         = var.stretched_replicas
  placement_cluster = "xr-js"
  placement_tags    = ["dc:xr"]
}

# One stream per region, kept in that region's own cluster.
resource "jetstream_stream" "events" {
  for_each          = toset(var.regions)
  name              = "events-${each.key}"
  description       = "events of region ${each.key}, kept in its own cluster"
  subjects          = ["events.${each.key}.>"]
  storage           = "file"
  max_age           = 86400 # 1 day
  duplicate_window  = 120
  replicas          = var.regional_replicas
  placement_cluster = each.key
  placement_tags    = ["dc:${each.key}", "az:${each.key}"]
}

# Every region's events on xr-js, sourced across the gateways: eventually consistent.
resource "jetstream_stream" "events_all" {
  name              = "events-all"
  description       = "every region's events, sourced across the gateways (eventually consistent)"
  storage           = "file"
  max_age           = 86400 # 1 day
  duplicate_window  = 120
  replicas          = var.stretched_replicas
  placement_cluster = "xr-js"
  placement_tags    = ["dc:xr"]

  dynamic "source" {
    for_each = var.regions
    content {
      name = "events-${source.value}"
    }
  }

  depends_on = [jetstream_stream.events]
}
