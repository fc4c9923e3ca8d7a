package doctor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// Without root, doctor says which ids a sandbox maps: the caller's ranges
// when it has both and the helpers are there, else why not.
func TestCallerSubIDCheck(t *testing.T) {
	bin := t.TempDir()
	r := []state.IDRange{{Start: 100000, Count: 65536}}
	ranged := &launcher.Host{EUID: 1000, EGID: 1000, SubIDs: &state.CallerIDs{Name: "alice", UIDs: r, GIDs: r}}
	for name, c := range map[string]struct {
		h       *launcher.Host
		helpers []string
		ok      bool
		want    string
	}{
		"ranges":       {ranged, []string{"newuidmap", "newgidmap"}, true, "ids 1 and up your ranges, uids [100000-165535] and gids [100000-165535], mapped by newuidmap and newgidmap"},
		"no newgidmap": {ranged, []string{"newuidmap"}, false, "need newgidmap to be mapped: install it (apt-get install uidmap)"},
		"no gid range": {&launcher.Host{EUID: 1000, SubIDs: &state.CallerIDs{UIDs: r}}, nil, false, "root inside is uid 1000 alone"},
		"never probed": {&launcher.Host{EUID: 1000}, nil, false, "usermod --add-subuids"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(bin, strings.ReplaceAll(name, " ", "-"))
			os.Mkdir(dir, 0o755)
			for _, h := range c.helpers {
				os.WriteFile(filepath.Join(dir, h), []byte("#!/bin/sh\n"), 0o755)
			}
			t.Setenv("PATH", dir)
			got := subIDCheck(c.h)
			if got.OK != c.ok || !strings.Contains(got.Detail, c.want) {
				t.Errorf("check = %+v, want ok %v and %q", got, c.ok, c.want)
			}
		})
	}
}
