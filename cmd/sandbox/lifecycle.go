package main

import "github.com/spf13/cobra"

// lifecycleCmds are the commands that manage running sandboxes.
func lifecycleCmds(e *env) []*cobra.Command {
	return []*cobra.Command{newPsCmd(e), newStopCmd(e), newLogsCmd(e), newExecCmd(e), newDownCmd(e), newGCCmd(e)}
}
