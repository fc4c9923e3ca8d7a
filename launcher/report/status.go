package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// WriteStatuses prints the recorded sandboxes (`sandbox ps`): a table
// with name, pid, status, uptime, memory, CPU time and configuration
// file, or an indented JSON array. Statuses of several projects
// (state.AllStatuses) begin with a PROJECT column.
func WriteStatuses(w io.Writer, sts []state.Status, asJSON bool) {
	if asJSON {
		b, _ := json.MarshalIndent(sts, "", "  ")
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	projects := slices.ContainsFunc(sts, func(s state.Status) bool { return s.Project != "" })
	if projects {
		fmt.Fprint(tw, "PROJECT\t")
	}
	fmt.Fprintln(tw, "NAME\tPID\tSTATUS\tUPTIME\tMEMORY\tCPU\tCONFIG")
	for _, s := range sts {
		if projects {
			fmt.Fprintf(tw, "%s\t", s.Project)
		}
		st := s.State
		if s.Health != "" && s.State == "running" {
			st += " (" + s.Health + ")" // docker's "Up 3s (healthy)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\n", s.Name, s.Pid, st, s.Uptime,
			memoryCell(s.Memory), cpuCell(s.CPUTime), s.ConfigFile)
	}
	tw.Flush()
}

// memoryCell is a memory figure for a table, or "-" when it is unknown.
func memoryCell(bytes *uint64) string {
	if bytes == nil {
		return "-"
	}
	return config.FormatSize(*bytes)
}

// cpuCell is a CPU time for a table, "1.25s", or "-" when it is unknown.
func cpuCell(cpu *time.Duration) string {
	if cpu == nil {
		return "-"
	}
	return fmt.Sprintf("%.2fs", cpu.Seconds())
}
