package state

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// A caller's ranges are the lines that name it, by name or by uid; the
// lines of others, and a missing file, give none.
func TestCallerSubIDs(t *testing.T) {
	root := t.TempDir()
	etc := filepath.Join(root, "etc")
	os.Mkdir(etc, 0o755)
	files := map[string]string{
		"passwd": "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n",
		"subuid": "alice:300000:10\nbob:100000:65536\n1000:100000:65536\n# a comment\nalice:oops:5\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(etc, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := SubIDSource{Root: root}.CallerSubIDs(1000)
	if err != nil {
		t.Fatal(err)
	}
	want := &CallerIDs{Name: "alice", UIDs: []IDRange{{Start: 100000, Count: 65536}, {Start: 300000, Count: 10}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CallerSubIDs(1000) = %+v, want %+v (no subgid file: no gid range)", got, want)
	}
	got, err = SubIDSource{Root: root}.CallerSubIDs(4242)
	if err != nil || got.Name != "" || len(got.UIDs)+len(got.GIDs) != 0 {
		t.Errorf("CallerSubIDs(4242) = %+v, %v; want no name and no range", got, err)
	}
}
