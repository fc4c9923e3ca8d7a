// Command sandbox runs the sandboxes declared in HCL files.
package main

import (
	"os"

	"github.com/hclsandbox/sandbox/isolation"
)

func main() {
	// A re-executed child must do nothing else first.
	if isolation.IsChild() {
		isolation.ChildMain()
	}
	isolation.CloseInheritedOnExec()
	os.Exit(Main(os.Args[1:]))
}
