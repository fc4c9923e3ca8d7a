# alpine: a rootfs from a tarball, Alpine Linux's minimal rootfs as the
# distribution publishes it. The tarball is verified and unpacked once into
# a content-addressed cache ($SANDBOX_HOME/rootfs, /var/lib/sandbox by
# default); later starts reuse it. Pin it with sandbox lock. Download it
# once (needs internet), then run:
#
#   make rootfs-alpine
#   sudo sandbox up examples/alpine.hcl
#   sudo sandbox run examples/alpine.hcl alpine -- /bin/sh   # interactive
sandbox "alpine" {
  rootfs {
    source = "./rootfs/alpine.tar.gz" # .tar, .tar.gz, .tar.xz or .tar.zst
    mode   = "ephemeral"              # the default: writes vanish at the end
  }
  hostname = "alpine"
  command  = ["/bin/sh", "-c", "cat /etc/alpine-release; apk --version; ps"]
}
