# mounts: extra mounts inside a sandbox. A read-only bind of this directory
# at /examples, a small tmpfs at /scratch, and an overlay at /work whose
# writes never reach the host. Targets are resolved inside the rootfs, so a
# symlink in the rootfs cannot send a mount to the host. Run:
#
#   make rootfs-busybox
#   sandbox up examples/mounts.hcl
sandbox "mounts" {
  rootfs = "./rootfs/busybox"

  mount {
    type     = "bind"
    source   = "."
    target   = "/examples"
    readonly = true
  }

  mount {
    type    = "tmpfs"
    target  = "/scratch"
    options = ["size=16m", "mode=1777", "nosuid", "nodev"]
  }

  mount {
    type   = "overlay"
    source = "."
    target = "/work"
  }

  mount {
    type     = "bind"
    source   = "./data" # skipped when it does not exist
    target   = "/data"
    optional = true
  }

  command = ["/bin/sh", "-c", "ls /examples; touch /examples/x 2>/dev/null || echo /examples is read-only; rm /work/*.hcl && echo removed from the overlay only; df -h /scratch"]
}
