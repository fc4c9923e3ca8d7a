package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/launcher/state"
)

// stateDir is where sandbox records live: $SANDBOX_RUN, or /run/sandbox for
// root. Another user's records go to $XDG_RUNTIME_DIR/sandbox, or to
// sandbox-UID in the temp directory: /run/sandbox is root's.
func (e *env) stateDir() state.Dir {
	if d, ok := e.lookupEnv("SANDBOX_RUN"); ok && d != "" {
		return state.Dir{Root: d}
	}
	uid := os.Geteuid()
	if uid == 0 {
		return state.Dir{Root: state.DefaultStateDir}
	}
	if d, ok := e.lookupEnv("XDG_RUNTIME_DIR"); ok && d != "" {
		return state.Dir{Root: filepath.Join(d, "sandbox")}
	}
	return state.Dir{Root: filepath.Join(os.TempDir(), fmt.Sprintf("sandbox-%d", uid))}
}
