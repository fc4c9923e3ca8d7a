package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher/doctor"
)

func TestDoctorOutputAndExitCode(t *testing.T) {
	checks := []doctor.Check{
		{Name: "cgroups", OK: true, Detail: "v2 at /sys/fs/cgroup"},
		{Name: "cgroup io controller", OK: false, Detail: "missing"},
	}
	var out bytes.Buffer
	e := &env{stdout: &out}
	err := e.doctor(checks, false)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 {
		t.Errorf("doctor with a missing check = %v, want exit code 1", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "enforced") || !strings.Contains(lines[1], "unsupported  missing") {
		t.Errorf("doctor printed %q", out.String())
	}
	out.Reset()
	if err := e.doctor(checks[:1], true); err != nil {
		t.Errorf("doctor with every check enforced = %v, want nil", err)
	}
	var got []doctor.Check
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got) != 1 || !got[0].OK {
		t.Errorf("doctor --json = %s (%v)", out.String(), err)
	}
}
