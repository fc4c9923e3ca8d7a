# test: sandboxes that say what they must do. `sandbox test` runs every
# sandbox with an expect block as one batch and checks each expectation;
# "hog" breaks its memory ceiling on purpose, so the run exits 1:
#
#   make rootfs-busybox
#   sudo sandbox test examples/test.hcl
#   sudo sandbox test --junit report.xml examples/test.hcl
#   sudo sandbox test --update examples/test.hcl greeting # rewrite testdata/greeting.out
#   sudo sandbox test --receipt receipts examples/test.hcl
#   sandbox verify receipts/add.json    # would a run now be the same?
#
# The program under test is a few lines of shell: a calculator that adds
# its arguments and refuses anything else.
locals {
  calc = <<-EOT
    [ $# -gt 0 ] || { echo "usage: calc N..." >&2; exit 2; }
    sum=0
    for n in "$@"; do
      case $n in *[!0-9]*) echo "calc: not a number: $n" >&2; exit 1 ;; esac
      sum=$((sum + n))
    done
    echo "sum: $sum"
  EOT
}

sandbox "add" {
  rootfs  = "./rootfs/busybox"
  command = ["/bin/sh", "-c", local.calc, "calc", "2", "3", "37"]

  expect {
    exit_code    = 0
    max_duration = "10s"
    stdout {
      matches = "^sum: 42$"
    }
  }
}

sandbox "usage" {
  rootfs  = "./rootfs/busybox"
  command = ["/bin/sh", "-c", local.calc, "calc"]

  expect {
    exit_code = 2
    stderr {
      matches = "^usage: "
    }
  }
}

sandbox "not-a-number" {
  for_each = toset(["x", "1e3", "-4"])
  rootfs   = "./rootfs/busybox"
  command  = ["/bin/sh", "-c", local.calc, "calc", "1", each.value]

  expect {
    exit_code = 1
    stderr {
      matches = "not a number: ${each.value}"
    }
  }
}

sandbox "greeting" {
  rootfs  = "./rootfs/busybox"
  command = ["/bin/sh", "-c", "echo hello from $(hostname); echo bye"]

  expect {
    exit_code = 0
    stdout {
      golden = "testdata/greeting.out" # sandbox test --update writes it
    }
  }
}

sandbox "hog" {
  rootfs  = "./rootfs/busybox"
  command = ["/bin/sh", "-c", "x=$(dd if=/dev/zero bs=1M count=24 2>/dev/null | tr '\\0' a); echo $${#x} bytes"]

  limits {
    memory = "256MiB"
  }

  expect {
    exit_code       = 0
    oom             = false
    max_peak_memory = "8MiB" # broken on purpose: the shell holds 24MiB
  }
}
