# services: two long-running services that start in order and talk by name.
# Both are on the implicit "default" network (10.88.0.0/24): each has its
# own network namespace and address, and /etc/hosts names its peers. web
# starts once db is healthy (its health check, run inside db, got a
# greeting) and asks db for a greeting over TCP every second; sandbox ps
# shows db as "running (healthy)". Ctrl-C sends each its stop_signal and,
# after its stop_timeout, SIGKILL.
#
#   make rootfs-busybox
#   sudo sandbox up examples/services.hcl
#   ^C
sandbox "db" {
  rootfs  = "./rootfs/busybox"
  network = "default"
  aliases = ["database"]
  # A shell that is pid 1 of its namespace ignores SIGTERM unless it traps it.
  command = ["/bin/sh", "-c", <<-EOT
    trap 'echo shutting down; exit 0' TERM
    echo ready
    while :; do
      echo "hello from db" | nc -l -p 5432 &
      wait $!
    done
  EOT
  ]
  stop_timeout = "5s"
  health {
    command  = "nc 127.0.0.1 5432 </dev/null | grep -q hello"
    interval = "1s"
  }
}

sandbox "web" {
  rootfs     = "./rootfs/busybox"
  network    = "default"
  depends_on = { db = "healthy" } # not merely started: answering
  command = ["/bin/sh", "-c", <<-EOT
    trap 'echo bye; exit 0' INT
    echo serving
    while :; do
      nc database 5432 </dev/null
      sleep 1 & wait $!
    done
  EOT
  ]
  stop_signal = "SIGINT"
}
