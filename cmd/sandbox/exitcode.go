package main

import "github.com/hclsandbox/sandbox/internal/exitcode"

// The launcher's own exit codes (internal/exitcode), and exitf, the
// error that carries one out of a command with a message still to print.
const (
	exitOK            = exitcode.OK
	exitInvalidConfig = exitcode.InvalidConfig
	exitUsage         = exitcode.Usage
	exitSetup         = exitcode.Setup
)

var exitf = exitcode.Errorf

const exitCodesHelp = `Exit codes:
  0    every sandbox exited 0
  N    the sandbox's own exit code (up: the first sandbox that failed)
  128+N  the sandbox was killed by signal N (137 = SIGKILL, 143 = SIGTERM)
  1    invalid configuration, or an unknown sandbox name
  2    invalid command line
  124  the sandbox's timeout ended it (the whole sandbox was killed)
  125  the launcher or a setup step failed (the step is named)
  126  the command is not executable
  127  the command was not found`
