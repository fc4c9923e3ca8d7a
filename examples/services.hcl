# services: two long-running services that start in order. web starts once
# db runs (condition "started"); Ctrl-C sends each its stop_signal and, after
# its stop_timeout, SIGKILL.
#
#   sudo sandbox up examples/services.hcl
#   ^C
sandbox "db" {
  # A shell that is pid 1 of its namespace ignores SIGTERM unless it traps it.
  command      = ["/bin/sh", "-c", "trap 'echo shutting down; exit 0' TERM; echo ready; while :; do sleep 1; done"]
  stop_timeout = "5s"
}

sandbox "web" {
  command     = ["/bin/sh", "-c", "trap 'echo bye; exit 0' INT; echo serving; while :; do sleep 1; done"]
  depends_on  = ["db"] # the same as { db = "started" }
  stop_signal = "SIGINT"
}
