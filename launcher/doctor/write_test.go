package doctor

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/internal/exitcode"
)

func TestDoctorOutputAndExitCode(t *testing.T) {
	checks := []Check{
		{Name: "cgroups", OK: true, Detail: "v2 at /sys/fs/cgroup"},
		{Name: "cgroup io controller", OK: false, Detail: "missing"},
	}
	var out bytes.Buffer
	err := Write(&out, checks, false)
	var ee *exitcode.Error
	if !errors.As(err, &ee) || ee.Code != 1 {
		t.Errorf("doctor with a missing check = %v, want exit code 1", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "enforced") || !strings.Contains(lines[1], "unsupported  missing") {
		t.Errorf("doctor printed %q", out.String())
	}
	out.Reset()
	if err := Write(&out, checks[:1], true); err != nil {
		t.Errorf("doctor with every check enforced = %v, want nil", err)
	}
	var got []Check
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got) != 1 || !got[0].OK {
		t.Errorf("doctor --json = %s (%v)", out.String(), err)
	}
}
