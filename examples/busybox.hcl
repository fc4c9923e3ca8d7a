# busybox: a sandbox in its own root filesystem, a directory holding Debian's
# static busybox. Build the rootfs once, then run:
#
#   make rootfs-busybox
#   sandbox up examples/busybox.hcl
#   sandbox run examples/busybox.hcl busybox -- /bin/sh   # interactive
sandbox "busybox" {
  rootfs   = "./rootfs/busybox" # relative to this file
  hostname = "busybox"
  workdir  = "/tmp"
  env = {
    GREETING = "hello from busybox"
  }
  command = ["/bin/sh", "-c", "echo \"$GREETING\" in $(pwd) on $(hostname); ps"]
}
