// Package config turns sandbox HCL files into typed values.
//
// A file declares any number of named sandboxes:
//
//	sandbox "web" {
//	  command  = ["/bin/httpd", "-f", "-p", "8080"]
//	  rootfs   = "./rootfs/busybox" # relative to this file; omitted: a read-only host view
//	  hostname = "web"
//	  workdir  = "/"
//	  env      = { GREETING = "hello" }
//	  namespaces = ["uts", "pid", "mount", "ipc", "net", "cgroup"] # the default
//	}
//
// Load parses and validates every given file at once and returns every problem it
// finds as an hcl.Diagnostic with the exact source range, so that a user sees all of
// their mistakes in one run. The package makes no syscalls beyond reading the files it
// is given: it never mounts, forks or probes the host.
package config
