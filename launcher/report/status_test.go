package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/launcher/state"
)

// A figure that could not be read shows as "-", never as a measured zero;
// a measured zero is still "0B" and "0.00s".
func TestStatusesUnknownUsage(t *testing.T) {
	zero, zeroCPU := uint64(0), time.Duration(0)
	mem, cpu := uint64(3<<20), 1250*time.Millisecond
	var b bytes.Buffer
	WriteStatuses(&b, []state.Status{
		{Name: "nocgroup", Pid: 10, State: "running"},
		{Name: "idle", Pid: 11, State: "running", Memory: &zero, CPUTime: &zeroCPU},
		{Name: "busy", Pid: 12, State: "running", Memory: &mem, CPUTime: &cpu},
	}, false)
	rows := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n")[1:] {
		f := strings.Fields(line)
		rows[f[0]] = f[4:6]
	}
	for name, want := range map[string]string{"nocgroup": "- -", "idle": "0B 0.00s", "busy": "3MiB 1.25s"} {
		if got := strings.Join(rows[name], " "); got != want {
			t.Errorf("ps row %s: MEMORY CPU = %q, want %q\n%s", name, got, want, &b)
		}
	}
	b.Reset()
	WriteStatuses(&b, []state.Status{{Name: "nocgroup"}}, true)
	if !strings.Contains(b.String(), `"memory_bytes": null`) || !strings.Contains(b.String(), `"cpu_ns": null`) {
		t.Errorf("ps --json = %s, want null memory_bytes and cpu_ns", &b)
	}
}
