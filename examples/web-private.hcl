# web-private: an HTTP server on a private network, published on the host's
# loopback. "site" gets its own network namespace with an address of
# 10.89.0.0/24 on the bridge of network "web"; port 8081 of the host's
# 127.0.0.1 forwards to its port 80. "visitor", on the same network, fetches
# the page by the server's name, then the server stops after a minute.
#
#   make rootfs-busybox
#   sudo sandbox up examples/web-private.hcl
#   curl http://127.0.0.1:8081/            # from another terminal, while it runs
network "web" {
  subnet   = "10.89.0.0/24"
  outbound = false # the sandboxes reach each other and the host, nothing beyond
}

sandbox "site" {
  rootfs  = "./rootfs/busybox"
  network = "web"
  ports   = ["127.0.0.1:8081:80"]
  aliases = ["www"]
  command = ["/bin/sh", "-c", <<-EOT
    mkdir -p /www
    echo "<h1>hello from $(hostname) on a private network</h1>" > /www/index.html
    httpd -f -p 80 -h /www &
    trap 'exit 0' TERM INT
    sleep 60 & wait $!
  EOT
  ]

  limits {
    memory = "32MiB"
    pids   = 16
  }
}

sandbox "visitor" {
  rootfs     = "./rootfs/busybox"
  network    = "web"
  depends_on = ["site"]
  command = ["/bin/sh", "-c", <<-EOT
    cat /etc/hosts
    for i in 1 2 3 4 5 6 7 8 9 10; do
      wget -q -O - http://www/ && exit 0
      sleep 0.5
    done
    exit 1
  EOT
  ]
}
