package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// TestWritePlansJSON: plans printed one at a time are byte for byte the
// indented array json.MarshalIndent makes of all of them.
func TestWritePlansJSON(t *testing.T) {
	host := &launcher.Host{EUID: 0, Term: "xterm", Arch: "amd64"}
	plans := []*launcher.Plan{}
	// 600 spans windows of planWindow plans, encoded on every core.
	for _, n := range []int{0, 1, 3, 600} {
		for len(plans) < n {
			s := &config.Sandbox{Name: fmt.Sprintf("s%d", len(plans)), Rootfs: "/srv/root", Command: []string{"/bin/true", "<&>"}}
			plans = append(plans, launcher.NewPlan(s, host))
		}
		want, err := json.MarshalIndent(plans[:n], "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := WritePlansJSON(&got, n, func(i int) *launcher.Plan { return plans[i] }); err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want)+"\n" {
			t.Errorf("%d plans: streamed output differs from MarshalIndent:\n%s\nwant:\n%s", n, got.String(), want)
		}
	}
}
