# debian: a sandbox in a real distribution, a Debian stable rootfs made by
# debootstrap. By default the rootfs is the read-only lower layer of an
# overlay, so apt-get and friends can write, and every write is gone when
# the sandbox ends. Build the rootfs once (a few minutes), then run:
#
#   make rootfs-debian
#   sudo sandbox up examples/debian.hcl
#   sudo sandbox run examples/debian.hcl debian -- /bin/bash   # interactive
sandbox "debian" {
  rootfs   = "./rootfs/debian"
  hostname = "debian"
  command  = ["/bin/sh", "-c", "apt-get --version | head -1; ps -ef; id; touch /etc/scratch && echo writes go to the overlay"]
}
