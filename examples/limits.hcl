# limits: resource limits. The cgroup driver (v1 or v2) is chosen by probing
# the host; `sandbox plan` shows every cgroup file and value it will write.
#
#   sudo sandbox up examples/limits.hcl
#
# The summary at the end has a line per sandbox, such as
#   NAME    RESULT     DURATION  PEAK MEMORY  CPU
#   capped  exited 0   1.06s     2.4MiB       0.54s
sandbox "capped" {
  command = ["/bin/sh", "-c", <<-EOT
    echo "open files: $(ulimit -n), core: $(ulimit -c), oom_score_adj: $(cat /proc/self/oom_score_adj)"
    cat /proc/self/cgroup
    timeout 1 sh -c 'while :; do :; done' # half a core at most
    true
  EOT
  ]

  limits {
    cpus   = 0.5     # cores, as CPU bandwidth (cpu.max / cpu.cfs_quota_us)
    memory = "64MiB" # suffixes k, M, G, T and KiB, MiB... are powers of 1024
    pids   = 64      # processes and threads
    # memory_swap = "0"   # swap on top of memory; default none
    # cpu_weight  = 100   # relative share, 1..10000
    # io_weight   = 100   # relative share, 1..10000
    # strict      = false # warn instead of failing when the host lacks a controller
    # optional    = ["cpus"] # or warn for these limits alone
  }

  rlimits {
    nofile = 1024
    core   = 0
    stack  = { soft = "8MiB", hard = "8MiB" }
  }

  oom_score_adj = 500
  timeout       = "30s" # exit code 124 when it expires
}

sandbox "sleepy" {
  command = ["/bin/sh", "-c", "echo sleeping for a minute; sleep 60"]
  timeout = "2s" # reported as "timed out", exit code 124
}
