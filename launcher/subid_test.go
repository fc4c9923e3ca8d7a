package launcher

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// rootlessHost is alice, uid 1000 and gid 1001, with the given ranges.
func rootlessHost(uids, gids []state.IDRange) *Host {
	h := *testHost
	h.EUID, h.EGID = 1000, 1001
	h.SubIDs = &state.CallerIDs{Name: "alice", UIDs: uids, GIDs: gids}
	return &h
}

func rootlessSandbox(uidMap, gidMap []config.IDMap) *config.Sandbox {
	s := &config.Sandbox{Name: "s", Rootfs: "/r", Command: []string{"/bin/true"}, Namespaces: config.Namespaces}
	if uidMap != nil || gidMap != nil {
		s.Namespaces = append([]string{"user"}, config.Namespaces...)
	}
	s.UIDMap, s.GIDMap = uidMap, gidMap
	s.Ranges = map[string]hcl.Range{
		"uid_map": {Filename: "s.hcl", Start: hcl.Pos{Line: 3, Column: 3}},
		"gid_map": {Filename: "s.hcl", Start: hcl.Pos{Line: 4, Column: 3}},
	}
	return s
}

// Without root, the caller's subordinate ranges become ids 1 and up, as
// rootless podman maps them, and newuidmap and newgidmap write them.
func TestPlanRootlessSubIDs(t *testing.T) {
	r := []state.IDRange{{Start: 100000, Count: 65536}, {Start: 300000, Count: 10}}
	p := NewPlan(rootlessSandbox(nil, nil), rootlessHost(r, r[:1]))
	wantUID := []config.IDMap{{Inside: 0, Outside: 1000, Count: 1}, {Inside: 1, Outside: 100000, Count: 65536}, {Inside: 65537, Outside: 300000, Count: 10}}
	wantGID := []config.IDMap{{Inside: 0, Outside: 1001, Count: 1}, {Inside: 1, Outside: 100000, Count: 65536}}
	if !reflect.DeepEqual(p.UIDMap, wantUID) || !reflect.DeepEqual(p.GIDMap, wantGID) {
		t.Errorf("maps = %v, %v; want %v, %v", p.UIDMap, p.GIDMap, wantUID, wantGID)
	}
	if !p.SubIDMaps || !p.Spec.BecomeRoot || p.IDMapError != "" {
		t.Errorf("SubIDMaps %v, BecomeRoot %v, IDMapError %q; want the helpers, root inside, no error", p.SubIDMaps, p.Spec.BecomeRoot, p.IDMapError)
	}
	for _, w := range p.HostWarnings {
		if strings.Contains(w, "alone") {
			t.Errorf("warning %q: the ranges are mapped", w)
		}
	}
}

// Without a uid range and a gid range, root inside is the caller alone,
// as the launcher writes itself, and the warning says how to get more.
func TestPlanRootlessNoSubIDs(t *testing.T) {
	for name, h := range map[string]*Host{
		"none":     rootlessHost(nil, nil),
		"no gids":  rootlessHost([]state.IDRange{{Start: 100000, Count: 65536}}, nil),
		"unprobed": {EUID: 1000, EGID: 1001, FS: testHost.FS},
	} {
		p := NewPlan(rootlessSandbox(nil, nil), h)
		if !reflect.DeepEqual(p.UIDMap, ownID(1000)) || !reflect.DeepEqual(p.GIDMap, ownID(1001)) || p.SubIDMaps || p.Spec.BecomeRoot {
			t.Errorf("%s: maps %v, %v, SubIDMaps %v; want the caller's own ids from the launcher", name, p.UIDMap, p.GIDMap, p.SubIDMaps)
		}
		if w := strings.Join(p.HostWarnings, "\n"); !strings.Contains(w, "mapped to uid 1000 and gid 1001 alone") || !strings.Contains(w, "/etc/subuid and /etc/subgid") {
			t.Errorf("%s: warnings %q, want the note that the caller's ids alone are mapped and how to get ranges", name, w)
		}
	}
}

// A file's uid_map and gid_map hold for an unprivileged caller when they
// lie within its own ids and ranges; others are refused, naming them.
func TestPlanRootlessFileMaps(t *testing.T) {
	r := []state.IDRange{{Start: 100000, Count: 65536}}
	h := rootlessHost(r, r)
	m := func(in, out, n uint32) []config.IDMap { return []config.IDMap{{Inside: in, Outside: out, Count: n}} }
	for name, c := range map[string]struct {
		uid, gid      []config.IDMap
		helpers       bool
		err, diagAttr string
	}{
		"own ids":         {m(0, 1000, 1), m(0, 1001, 1), false, "", ""},
		"range":           {m(0, 100000, 65536), m(0, 100000, 65536), true, "", ""},
		"uid range only":  {m(0, 100000, 65536), nil, true, "", ""},
		"too many":        {m(0, 100000, 65537), m(0, 100000, 65536), true, "uid_map 0:100000:65537 needs host ids 100000-165536, outside 1000 and its ranges in /etc/subuid (100000-165535)", "uid_map"},
		"another's gid":   {nil, m(0, 1002, 1), true, "gid_map 0:1002:1 needs host ids 1002-1002, outside 1001 and its ranges in /etc/subgid (100000-165535)", "gid_map"},
		"gid below range": {m(0, 100000, 2), m(0, 99999, 2), true, "gid_map 0:99999:2", "gid_map"},
	} {
		s := rootlessSandbox(c.uid, c.gid)
		p := NewPlan(s, h)
		if p.SubIDMaps != c.helpers || p.Spec.BecomeRoot != c.helpers {
			t.Errorf("%s: SubIDMaps %v, BecomeRoot %v; want %v", name, p.SubIDMaps, p.Spec.BecomeRoot, c.helpers)
		}
		if c.err == "" && p.IDMapError != "" || !strings.Contains(p.IDMapError, c.err) {
			t.Errorf("%s: IDMapError %q, want %q", name, p.IDMapError, c.err)
		}
		diags := CheckPlan(s, h)
		if (c.err != "") != diags.HasErrors() {
			t.Errorf("%s: CheckPlan = %v, want an error: %v", name, diags, c.err != "")
		}
		if c.err == "" {
			continue
		}
		if refusal(p) == nil || !strings.Contains(diags.Error(), "user alice (uid 1000) may map only its own id and its subordinate ranges") {
			t.Errorf("%s: refusal %v, diagnostics %v; want both, naming the user", name, refusal(p), diags)
		}
		if subj := diags[0].Subject; subj == nil || *subj != s.Range(c.diagAttr) {
			t.Errorf("%s: diagnostic at %v, want at %s", name, subj, c.diagAttr)
		}
	}
}

// Root's sandboxes keep their maps: the caller's ranges play no part.
func TestPlanRootIgnoresCallerSubIDs(t *testing.T) {
	h := *testHost
	h.SubIDs = &state.CallerIDs{UIDs: []state.IDRange{{Start: 1, Count: 9}}, GIDs: []state.IDRange{{Start: 1, Count: 9}}}
	s := &config.Sandbox{Name: "s", Rootfs: "/r", Command: []string{"/bin/true"}, Namespaces: append([]string{"user"}, config.Namespaces...)}
	if p := NewPlan(s, &h); p.SubIDMaps || p.Spec.BecomeRoot || p.UIDMap != nil || p.AutoIDs != state.DefaultAutoIDs {
		t.Errorf("root's plan: SubIDMaps %v, BecomeRoot %v, UIDMap %v, AutoIDs %d; want ids allocated from the sandbox user's range", p.SubIDMaps, p.Spec.BecomeRoot, p.UIDMap, p.AutoIDs)
	}
}
