// Package config turns sandbox HCL files into typed values.
//
// # The language by example
//
// A configuration is one or more *.hcl files. Loaded together, they share
// their variables and locals; sandbox names, variable names and local names
// must be unique across all of them.
//
//	# Inputs. A variable without a default is required.
//	variable "port" {
//	  type        = number               # any type expression: string, list(string),
//	  default     = 8080                 # map(number), object({ name = string, debug = optional(bool, false) })
//	  description = "Port the server listens on."
//	  validation {                       # any number of rules, checked against the final value
//	    condition     = var.port > 1024
//	    error_message = "The port must be unprivileged."
//	  }
//	}
//
//	variable "token" {
//	  type      = string
//	  sensitive = true                   # hidden in diagnostics and in plan's readable output
//	}
//
//	# Derived values, computed in the order their references need:
//	# "url" may use "host" although "host" comes later.
//	locals {
//	  url  = "http://${local.host}:${var.port}/"
//	  host = lower("Web-1")
//	}
//
//	sandbox "web" {
//	  command  = ["/bin/httpd", "-f", "-p", tostring(var.port)]  # the argv; required
//	  rootfs   = "./rootfs/busybox"     # relative to this file's directory; omitted: a read-only host view
//	  hostname = "web"                  # default: the sandbox name
//	  workdir  = "/www"                 # absolute, inside the sandbox; default "/"
//	  env = {                           # on top of PATH, HOME and the caller's TERM
//	    TOKEN = var.token
//	    MOTD  = file("motd.txt")        # read relative to this file's directory
//	    DATA  = abspath("data")         # likewise: an absolute host path
//	    DIR   = path.config_dir         # this file's directory, absolute
//	    USER  = coalesce(env("USER"), "nobody")  # the caller's environment; "" when unset
//	  }
//	  namespaces = ["uts", "pid", "mount", "ipc", "net", "cgroup"]  # the default; "mount" is required
//	}
//
// Variables get their values, each source overriding the ones before it,
// from: the default; *.auto.vars files in the directories of the loaded
// configuration files (NAME = VALUE lines, in name order); files given
// with --var-file, in order; SANDBOX_VAR_NAME environment variables; and
// --var NAME=VALUE flags, in order. Text from the environment or a flag is
// taken literally for string, number and bool variables and parsed as an
// HCL expression ("[\"a\", \"b\"]", "{ a = 1 }") for the others.
//
// The functions are listed in docs/reference.md with one line each: the numeric,
// string, collection, encoding, conversion and date functions of cty's
// standard library under the names Terraform uses, try and can, and env,
// file and abspath. Sizes and durations, for the attributes that take
// them, are parsed by ParseSize and ParseDuration.
//
// The same example, made runnable, is config/testdata/valid/doc_example.txtar.
//
// # Diagnostics
//
// Load parses and evaluates every given file at once and returns every
// problem it finds as an hcl.Diagnostic with the exact source range, so that
// a user sees all of their mistakes in one run. A value that could not be
// computed stays unknown, and uses of it are not reported again.
// WriteDiagnostics renders them as "file:line:col: error: summary" with the
// source line marked; WriteDiagnosticsJSON as one JSON object per line.
//
// # What it must never do
//
// The package makes no syscalls beyond reading the files it is given and
// the files that file() names: it never mounts, forks or probes the host.
// Its function table is built while loading, never at init, so the
// re-executed sandbox child, which links this package, does not pay for it.
package config
