// Command sandbox-init is the sandbox child on its own: the steps inside the
// new namespaces, then execve of the target. The launcher embeds it (make
// build) and runs it from a sealed memfd, so that a sandbox's start does not
// pay for the package initialisation of the whole launcher: it links only
// the isolation package. Without it the launcher re-executes itself.
package main

import "github.com/hclsandbox/sandbox/isolation"

func main() { isolation.ChildMain() }
