package main

import (
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
)

// prepareRoots verifies every sandbox's rootfs and unpacks tarballs before
// any sandbox starts, and returns the directory each one runs on. A digest
// mismatch or an unpack failure ends the command with exit code 125.
func (e *env) prepareRoots(sbs []*config.Sandbox, updateLock bool) (map[*config.Sandbox]string, error) {
	o := launcher.PrepareOptions{Home: rootfs.Home(), UpdateLock: updateLock}
	if isTerminal(e.stderr) {
		o.Progress = e.stderr
	}
	dirs := map[*config.Sandbox]string{}
	for _, s := range sbs {
		p, err := launcher.PrepareRootfs(s, o)
		if err != nil {
			return nil, exitf(exitSetup, "%s: %v", s.Name, err)
		}
		dirs[s] = p.Dir
	}
	return dirs, nil
}
