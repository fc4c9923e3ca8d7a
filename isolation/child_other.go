//go:build !linux

package isolation

import (
	"fmt"
	"os"
)

// ChildArg is the hidden first argument of a sandbox child; see the Linux build.
const ChildArg = "__sandbox_child__"

// IsChild reports whether this process was started as a sandbox child.
func IsChild() bool { return len(os.Args) > 1 && os.Args[1] == ChildArg }

// ChildMain exits: sandboxes run only on Linux.
func ChildMain() {
	fmt.Fprintln(os.Stderr, "sandbox: sandboxes run only on Linux")
	os.Exit(125)
}
