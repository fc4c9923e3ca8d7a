package isolation

import (
	"strings"
	"testing"
)

// The arguments EarlyArgs gives are the early steps of the spec they
// were made from, which agrees with them; another spec does not.
func TestEarlyArgsRoundTrip(t *testing.T) {
	init := &Spec{Capabilities: []string{"CAP_CHOWN", "CAP_KILL"}, Init: true}
	args := EarlyArgs(init)
	e, err := parseEarly(args)
	if err != nil || e == nil {
		t.Fatalf("parseEarly(%q) = %v, %v", args, e, err)
	}
	if !e.init || e.bounding != 1<<capNames["CAP_CHOWN"]|1<<capNames["CAP_KILL"] {
		t.Errorf("parseEarly(%q) = %+v", args, e)
	}
	if err := e.agrees(init); err != nil {
		t.Errorf("the spec does not agree with its own early steps: %v", err)
	}
	for name, other := range map[string]*Spec{
		"more capabilities": {Capabilities: []string{"CAP_CHOWN", "CAP_KILL", "CAP_SYS_ADMIN"}, Init: true},
		"no init":           {Capabilities: []string{"CAP_CHOWN", "CAP_KILL"}},
		"late bounding set": {Capabilities: []string{"CAP_CHOWN", "CAP_KILL"}, Init: true, Root: Root{FuseOverlay: "/usr/bin/fuse-overlayfs"}},
	} {
		if e.agrees(other) == nil {
			t.Errorf("%s: a spec that asks for other early steps agrees", name)
		}
	}
}

// No early steps where the bounding set comes late or the child becomes
// root first; no arguments, no early steps; malformed ones are an error.
func TestEarlyArgsRefused(t *testing.T) {
	for name, s := range map[string]*Spec{
		"fuse-overlayfs": {Root: Root{FuseOverlay: "/usr/bin/fuse-overlayfs"}},
		"become root":    {BecomeRoot: true},
	} {
		if args := EarlyArgs(s); args != nil {
			t.Errorf("%s: EarlyArgs = %q, want none", name, args)
		}
	}
	if e, err := parseEarly(nil); e != nil || err != nil {
		t.Errorf("parseEarly(nil) = %v, %v", e, err)
	}
	for _, args := range [][]string{{"--early"}, {"--early", "zz"}, {"--early", "1", "more"}, {"--other", "1"}, {"--early", "1", "init", "x"}} {
		if _, err := parseEarly(args); err == nil || !strings.Contains(err.Error(), "unexpected arguments") {
			t.Errorf("parseEarly(%q) = %v, want an error", args, err)
		}
	}
}
