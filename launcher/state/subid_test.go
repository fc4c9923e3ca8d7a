package state

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestFreeRange(t *testing.T) {
	pool := []IDRange{{Start: 1000, Count: 300}, {Start: 5000, Count: 100}}
	for _, tt := range []struct {
		name string
		used []IDRange
		n    uint32
		want IDRange
		ok   bool
	}{
		{"empty", nil, 100, IDRange{1000, 100}, true},
		{"after one", []IDRange{{1000, 100}}, 100, IDRange{1100, 100}, true},
		{"a hole", []IDRange{{1200, 100}, {1000, 100}}, 100, IDRange{1100, 100}, true},
		{"hole too small", []IDRange{{1000, 100}, {1150, 100}}, 100, IDRange{5000, 100}, true},
		{"overlapping used", []IDRange{{1000, 150}, {1050, 150}}, 100, IDRange{1200, 100}, true},
		{"used outside the pool", []IDRange{{0, 1000}, {1300, 50}}, 300, IDRange{1000, 300}, true},
		{"full", []IDRange{{1000, 300}, {5000, 100}}, 100, IDRange{}, false},
		{"too big", nil, 301, IDRange{}, false},
	} {
		got, ok := freeRange(pool, tt.used, tt.n)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: freeRange(%v) = %v, %v; want %v, %v", tt.name, tt.used, got, ok, tt.want, tt.ok)
		}
	}
}

// The pool is the user's ranges, named by user name or uid, that hold a
// sandbox's ids; other users' ranges and malformed lines are not.
func TestSubIDPool(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, "etc"), 0o755)
	files := map[string]string{
		"passwd": "root:x:0:0::/root:/bin/sh\nsandbox:x:995:995::/nonexistent:/usr/sbin/nologin\n",
		"subuid": "alice:100000:65536\nsandbox:2000000:131072\n995:9000000:65536\nsandbox:1:10\nsandbox:x:y\n\nsandbox:4294967295:65536\n",
		"subgid": "sandbox:3000000:65536\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(root, "etc", name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := SubIDSource{Root: root}.Pool(DefaultAutoIDs)
	if err != nil {
		t.Fatal(err)
	}
	if want := []IDRange{{2000000, 131072}, {9000000, 65536}}; !slices.Equal(p.UIDs, want) {
		t.Errorf("uid pool = %v, want %v", p.UIDs, want)
	}
	if want := []IDRange{{3000000, 65536}}; !slices.Equal(p.GIDs, want) {
		t.Errorf("gid pool = %v, want %v", p.GIDs, want)
	}
	if _, err := (SubIDSource{Root: root, User: "alice"}).Pool(DefaultAutoIDs); !errors.Is(err, ErrNoSubIDs) {
		t.Errorf("Pool of a user with no gid range = %v, want ErrNoSubIDs", err)
	}
}
