# web: a real HTTP server in a sandbox that shares the host's network. The
# namespaces list leaves out "net", so busybox httpd listens on the host's
# port; everything else (pid, mount, uts, ipc, cgroup) stays private, and
# the server sees only its own rootfs. Run it, then fetch the page from the
# host:
#
#   make rootfs-busybox
#   sudo sandbox up examples/web.hcl
#   curl http://127.0.0.1:8080/            # from another terminal
#   sudo sandbox up --var web_port=9090 examples/web.hcl
variable "web_port" {
  type        = number
  default     = 8080
  description = "Host port the server listens on."
}

sandbox "httpd" {
  rootfs     = "./rootfs/busybox" # an ephemeral overlay: the page is written to it
  hostname   = "httpd"
  namespaces = ["uts", "pid", "mount", "ipc", "cgroup"] # no "net": the host's network
  # The shell is pid 1: it traps SIGTERM (what Ctrl-C sends), so the server
  # stops at once; the sandbox's cgroup takes httpd with it.
  command = ["/bin/sh", "-c", <<-EOT
    mkdir -p /www
    echo "<h1>hello from $(hostname), a sandbox</h1>" > /www/index.html
    trap 'echo stopping; exit 0' TERM INT
    echo "serving http://127.0.0.1:${var.web_port}/"
    httpd -f -v -p ${var.web_port} -h /www &
    wait
  EOT
  ]

  limits {
    memory = "32MiB"
    pids   = 16
  }
}
