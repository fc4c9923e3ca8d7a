# overlay: the two overlay modes of a rootfs. "ephemeral" (the default)
# throws every write away when the sandbox ends; "persistent" keeps writes
# in state_dir, so each run sees the previous ones. The rootfs directory
# itself is never modified. Run it twice and watch the counter:
#
#   make rootfs-busybox
#   sandbox up examples/overlay.hcl
#   sandbox up examples/overlay.hcl
sandbox "ephemeral" {
  rootfs {
    source = "./rootfs/busybox"
    mode   = "ephemeral"
  }
  command = ["/bin/sh", "-c", "echo run >> /runs; echo ephemeral: $(wc -l < /runs) run"]
}

sandbox "persistent" {
  rootfs {
    source    = "./rootfs/busybox"
    mode      = "persistent"
    state_dir = "./state/persistent" # holds upper/ and work/ of the overlay
  }
  command = ["/bin/sh", "-c", "echo run >> /runs; echo persistent: $(wc -l < /runs) runs"]
}
