# batch: a CI-style fan-out of jobs. Eight test shards from one block with
# count, three linters from one block with for_each, a report that runs
# once every shard completed, and a budget for the whole batch.
#
#   sudo sandbox up examples/batch.hcl                      # all 12
#   sudo sandbox up --parallel 4 --json examples/batch.hcl  # 4 at a time, JSON report
#   sudo sandbox up examples/batch.hcl 'shard[3]'           # one instance
#   sudo sandbox up --fail-fast --junit report.xml examples/batch.hcl
variable "shards" {
  type    = number
  default = 8
}

batch {
  limits {
    memory = "512MiB" # all sandboxes together
    pids   = 512
  }
}

sandbox "shard" {
  count   = var.shards
  command = ["/bin/sh", "-c", "echo running shard ${count.index + 1} of ${var.shards}; sleep 0.${count.index}"]
  timeout = "1m"

  limits {
    memory = "64MiB"
    pids   = 32
  }
}

sandbox "lint" {
  for_each = toset(["go", "hcl", "shell"])
  command  = ["/bin/echo", "linting ${each.key} files"]
}

sandbox "report" {
  command    = ["/bin/echo", "every shard passed"]
  depends_on = { shard = "completed" }
}
