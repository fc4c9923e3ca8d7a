# security: how much privilege a sandbox keeps. Every sandbox starts with 9
# capabilities (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL,
# NET_BIND_SERVICE, SETGID, SETUID), no_new_privs and Docker's seccomp
# profile; a sandbox can adjust each. `sandbox plan` lists the final
# capability set, the user and the seccomp filter.
#
#   make rootfs-busybox
#   sandbox plan examples/security.hcl
#   sudo sandbox up examples/security.hcl
sandbox "hardened" {
  rootfs = "./rootfs/busybox"

  capabilities {
    add  = ["NET_RAW"] # on top of the defaults (names without CAP_ work too)
    drop = ["CHOWN", "SETUID", "SETGID"]
  }

  # The default profile, and chdir fails with EPERM on top of it.
  seccomp = { profile = "default", deny = ["chdir"] }

  command = ["/bin/sh", "-c", <<-EOT
    grep -e ^CapEff -e ^NoNewPrivs -e ^Seccomp: /proc/self/status
    touch /tmp/f
    chown 65534 /tmp/f 2>/dev/null || echo "chown refused: CAP_CHOWN was dropped"
    cd /tmp 2>/dev/null || echo "cd refused: chdir is denied by seccomp"
  EOT
  ]
}

sandbox "unprivileged" {
  rootfs            = "./rootfs/busybox"
  user              = "nobody" # from the rootfs's own /etc/passwd; keeps no capabilities
  no_new_privileges = true     # the default: setuid binaries grant nothing
  command = ["/bin/sh", "-c", <<-EOT
    id
    grep ^CapEff /proc/self/status
    touch /etc/x 2>/dev/null || echo "cannot write /etc as nobody"
  EOT
  ]
}
