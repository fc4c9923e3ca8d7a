package main

import "github.com/hclsandbox/sandbox/launcher"

// stateDir is where sandbox records live: $SANDBOX_RUN, or /run/sandbox.
func (e *env) stateDir() launcher.StateDir {
	if d, ok := e.lookupEnv("SANDBOX_RUN"); ok && d != "" {
		return launcher.StateDir{Root: d}
	}
	return launcher.StateDir{Root: launcher.DefaultStateDir}
}
