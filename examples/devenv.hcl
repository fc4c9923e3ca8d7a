# devenv: a development environment as compose runs one. server is an HTTP
# server whose health check fetches its own page; seed is a one-shot job
# that starts once the server is healthy; client fetches from the server by
# name, on the named network "dev", every two seconds. The names belong to
# the project, the directory's name, so two checkouts run side by side.
#
#   make rootfs-busybox
#   cd examples
#   sudo sandbox up -d devenv.hcl        # server, then seed and client once it is healthy
#   sudo sandbox ps                      # server: running (healthy)
#   sudo sandbox logs -f client
#   sudo sandbox exec -it server /bin/sh
#   sudo sandbox up -d devenv.hcl        # after an edit: only what changed restarts
#   sudo sandbox down                    # nothing left: records, logs, cgroups, network
network "dev" {
  subnet = "10.89.40.0/24"
}

sandbox "server" {
  rootfs  = "./rootfs/busybox"
  network = "dev"
  command = ["/bin/sh", "-c", <<-EOT
    mkdir -p /www
    echo "hello from the dev server" > /www/index.html
    trap 'exit 0' TERM
    httpd -f -p 8080 -h /www &
    wait
  EOT
  ]
  health {
    command      = "wget -q -O /dev/null http://127.0.0.1:8080/"
    interval     = "1s"
    start_period = "30s"
  }
}

sandbox "seed" {
  rootfs     = "./rootfs/busybox"
  network    = "dev"
  depends_on = { server = "healthy" }
  command    = ["/bin/sh", "-c", "wget -q -O - http://server:8080/ && echo seeded"]
}

sandbox "client" {
  rootfs     = "./rootfs/busybox"
  network    = "dev"
  depends_on = { server = "healthy" }
  command = ["/bin/sh", "-c", <<-EOT
    trap 'exit 0' TERM
    while :; do
      wget -q -O - http://server:8080/
      sleep 2 & wait $!
    done
  EOT
  ]
}
