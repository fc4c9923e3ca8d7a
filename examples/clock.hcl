# clock: a time namespace. The command's monotonic and boot clocks (and so
# /proc/uptime) read the host's moved by clock_offsets: here the sandbox
# looks as if the machine had been up for ten more days. The wall clock is
# the host's. Needs Linux 5.6 or later.
#
#   sandbox up examples/clock.hcl
#   sandbox explain examples/clock.hcl clock clock_offsets.boottime
sandbox "clock" {
  namespaces = ["uts", "pid", "mount", "ipc", "net", "cgroup", "time"]

  clock_offsets {
    monotonic = "240h"
    boottime  = "240h"
  }

  command = ["/bin/sh", "-c", "echo \"uptime inside: $(cut -d' ' -f1 /proc/uptime)s\""]
}
