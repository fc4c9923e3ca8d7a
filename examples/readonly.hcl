# readonly: a rootfs that the sandbox cannot write to at all (only /tmp,
# /dev/shm and other mounts are writable). Pinning it makes every start
# check that the tree is still the one recorded. Run:
#
#   make rootfs-busybox
#   sandbox lock examples/readonly.hcl      # writes examples/sandbox.lock.hcl
#   sandbox up examples/readonly.hcl
sandbox "readonly" {
  rootfs {
    source = "./rootfs/busybox"
    mode   = "readonly"
  }
  command = ["/bin/sh", "-c", "touch /etc/x || echo the rootfs is read-only; touch /tmp/x && echo /tmp is writable"]
}
