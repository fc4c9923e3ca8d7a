package launcher

import (
	"bytes"
	"encoding/json"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestAdjustSeccompRules(t *testing.T) {
	rules := []specs.LinuxSyscall{
		{Names: []string{"read", "write", "mount"}, Action: specs.ActAllow},
		{Names: []string{"clone3"}, Action: specs.ActErrno},
	}
	got := adjustSeccompRules(rules, []string{"clone3", "ptrace"}, []string{"write", "mount", "ptrace"})
	want := []specs.LinuxSyscall{
		{Names: []string{"read"}, Action: specs.ActAllow},
		{Names: []string{"clone3"}, Action: specs.ActAllow},
	}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	if !bytes.Equal(a, b) {
		t.Errorf("adjustSeccompRules = %s, want %s", a, b)
	}
}
