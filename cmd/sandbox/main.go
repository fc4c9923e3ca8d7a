// Command sandbox runs the sandboxes declared in HCL files.
package main

import (
	"os"

	"github.com/hclsandbox/sandbox/internal/phase"

	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/mapped"
)

func main() {
	phase.Mark("exec, runtime and package init")
	// A re-executed child must do nothing else first.
	if isolation.IsChild() {
		isolation.ChildMain()
	}
	if mapped.IsStage() { // an unpack or removal in a user namespace
		mapped.StageMain()
	}
	launcher.HelperMain() // a network holder or a stage: never returns then
	isolation.CloseInheritedOnExec()
	code := Main(os.Args[1:])
	phase.Mark("finish the command")
	os.Exit(code)
}
