package runner

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/plancache"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// TestLoadFromPlanCache: a load that the plan cache answers gives the
// sandboxes the HCL gives, so the plans are the same; plans are built from
// the host of the moment (another host's facts change them on a hit as on
// a load), and the project is chosen again at each start.
func TestLoadFromPlanCache(t *testing.T) {
	ex, err := filepath.Abs("../../examples/services.hcl") // a directory long settled
	if err != nil {
		t.Fatal(err)
	}
	cache := &plancache.Cache{Dir: filepath.Join(t.TempDir(), "plancache"), Build: []byte("test build")}
	load := func(c *plancache.Cache, project string) (*config.Config, string) {
		t.Helper()
		var chosen string
		r := &Runner{State: state.Dir{Root: t.TempDir()}, Cache: c, Project: project, ProjectChosen: func(p string) { chosen = p },
			PrintDiags: func(d hcl.Diagnostics, _ map[string]*hcl.File) { t.Fatalf("diagnostics: %v", d) }}
		cfg, err := r.Load([]string{ex}, config.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return cfg, chosen
	}
	loaded, _ := load(nil, "")
	load(cache, "")
	hit, project := load(cache, "other")
	if hit.Files[ex] == nil || hit.Files[ex].Body != nil {
		t.Fatalf("the second load with the cache was not a hit")
	}
	if project != "other" {
		t.Errorf("project on a hit = %q, want the runner's %q", project, "other")
	}
	root := &launcher.Host{Arch: "amd64"}
	user := &launcher.Host{EUID: 1000, EGID: 1000, Arch: "amd64"}
	for _, host := range []*launcher.Host{root, user} {
		want, got := BuildPlans(loaded.Sandboxes, host, nil), BuildPlans(hit.Sandboxes, host, nil)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("host euid %d: the plans from the cache differ from the load's", host.EUID)
		}
	}
	if reflect.DeepEqual(BuildPlans(hit.Sandboxes, root, nil), BuildPlans(hit.Sandboxes, user, nil)) {
		t.Errorf("the plans from the cache did not follow the host's facts")
	}
}
