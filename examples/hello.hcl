# hello: the smallest sandbox. It has no rootfs, so it sees a read-only view of
# the host's system (/usr, /bin, /lib and a few files of /etc) with its own
# /proc, /dev and /tmp, and every namespace of its own.
#
#   sandbox up examples/hello.hcl
sandbox "hello" {
  hostname = "hello"
  command = ["/bin/sh", "-c", <<-EOT
    echo "hello from $(hostname)"
    sleep 1 &
    echo "  PID COMMAND"
    for p in /proc/[0-9]*; do
      printf '%5s %s\n' "$${p#/proc/}" "$(cat $p/comm)"
    done
  EOT
  ]
}
