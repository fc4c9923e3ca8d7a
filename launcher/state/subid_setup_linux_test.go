package state

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// throwawayEtc copies the host's account files into a directory for
// useradd and usermod --prefix to change instead of /etc.
func throwawayEtc(t *testing.T, subuid string) string {
	t.Helper()
	root := t.TempDir()
	etc := filepath.Join(root, "etc")
	if err := os.Mkdir(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"passwd", "group", "shadow", "gshadow"} {
		b, err := os.ReadFile(filepath.Join("/etc", name))
		if err != nil {
			t.Skipf("no %s to copy: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(etc, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"subuid", "subgid"} {
		if err := os.WriteFile(filepath.Join(etc, name), []byte(subuid), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// accountFiles reads the host's account files, to check that a test left
// them as they were.
func accountFiles() map[string]string {
	out := map[string]string{}
	for _, name := range []string{"passwd", "group", "shadow", "gshadow", "subuid", "subgid"} {
		b, _ := os.ReadFile(filepath.Join("/etc", name))
		out[name] = string(b)
	}
	return out
}

// AddUser creates the sandbox user and its ranges with the account tools,
// past every range already given, and does nothing the second time.
func TestAddUser(t *testing.T) {
	testenv.RequireRoot(t)
	for _, tool := range []string{"useradd", "usermod"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, "needs %s (Debian's passwd)", tool)
		}
	}
	before := accountFiles()
	root := throwawayEtc(t, "alice:1073741824:65536\nbob:1073807360:10\n")
	src := SubIDSource{Root: root}
	done, err := src.AddUser(DefaultPoolSize)
	if err != nil {
		t.Fatalf("AddUser = %v (did %q)", err, done)
	}
	if len(done) != 3 || !strings.HasPrefix(done[0], "created system user sandbox") {
		t.Errorf("AddUser did %q, want the user created and two ranges given", done)
	}
	p, err := src.Pool(DefaultAutoIDs)
	if err != nil {
		t.Fatal(err)
	}
	want := []IDRange{{Start: 1073872896, Count: DefaultPoolSize}} // past alice's and bob's, aligned
	if !slices.Equal(p.UIDs, want) || !slices.Equal(p.GIDs, want) {
		t.Errorf("pool = %+v, want uids and gids %v", p, want)
	}
	if again, err := src.AddUser(DefaultPoolSize); err != nil || len(again) != 0 {
		t.Errorf("second AddUser = %q, %v; want nothing done", again, err)
	}
	if after := accountFiles(); !maps.Equal(before, after) {
		t.Errorf("the host's account files changed")
	}
}
