package plancache

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// plant stores, under the name of the entry for paths, an entry whose
// inputs all match but whose configuration runs /bin/evil: what an
// attacker who could write the cache would leave.
func (f *fixture) plant(paths []string) string {
	f.t.Helper()
	f.load(paths, config.Options{})
	q, err := f.cache.newQuery(paths, config.Options{})
	if err != nil {
		f.t.Fatal(err)
	}
	name := filepath.Join(f.cache.Dir, entryName(q))
	b, err := os.ReadFile(name)
	if err != nil {
		f.t.Fatal(err)
	}
	d := &decoder{buf: b[len(magic)+32:]}
	d.bytes()
	var in inputs
	if err := d.value(valueOf(&in), 0); err != nil {
		f.t.Fatal(err)
	}
	evil, _ := config.LoadWith(paths, config.Options{LookupEnv: f.lookup})
	evil.Sandboxes[0].Command = []string{"/bin/evil"}
	b, err = marshal(q, &in, evil)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o600); err != nil {
		f.t.Fatal(err)
	}
	if cfg, hit := f.load(paths, config.Options{}); !hit || cfg.Sandboxes[0].Command[0] != "/bin/evil" {
		f.t.Fatalf("the planted entry is not read even when trusted: hit %v", hit)
	}
	return name
}

// TestUntrustedEntryIgnored: an entry that someone else could have written
// is never used, however well it matches: one writable by group or others,
// one owned by another user, a symlink to a good entry, a second link of
// one, or one in a directory that others may write. The load runs instead.
func TestUntrustedEntryIgnored(t *testing.T) {
	tests := map[string]func(t *testing.T, entry string){
		"mode 0666": func(t *testing.T, entry string) { chmod(t, entry, 0o666) },
		"mode 0620": func(t *testing.T, entry string) { chmod(t, entry, 0o620) },
		"another user's": func(t *testing.T, entry string) {
			if os.Geteuid() != 0 {
				t.Skip("giving a file to another user needs root")
			}
			if err := os.Lchown(entry, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		},
		"a symlink": func(t *testing.T, entry string) {
			elsewhere := filepath.Join(t.TempDir(), "entry")
			if err := os.Rename(entry, elsewhere); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(elsewhere, entry); err != nil {
				t.Fatal(err)
			}
		},
		"a second link": func(t *testing.T, entry string) {
			if err := os.Link(entry, filepath.Join(t.TempDir(), "link")); err != nil {
				t.Fatal(err)
			}
		},
		"a directory others may write": func(t *testing.T, entry string) { chmod(t, filepath.Dir(entry), 0o777) },
	}
	for name, spoil := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			paths := []string{f.fixtureFiles()}
			entry := f.plant(paths)
			spoil(t, entry)
			loads := f.loads
			cfg, hit := f.load(paths, config.Options{})
			if hit || f.loads != loads+1 || cfg.Sandboxes[0].Command[0] != "/bin/echo" {
				t.Errorf("hit %v, loads %d, command %q: want the load's /bin/echo", hit, f.loads-loads, cfg.Sandboxes[0].Command)
			}
		})
	}
}

func chmod(t *testing.T, name string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(name, mode); err != nil {
		t.Fatal(err)
	}
}

// TestCorruptEntryIsAMiss: an entry cut short, with a byte changed, with
// another magic, empty, or well summed but with a body that does not
// decode is a miss that loads and then stores a good entry, never a panic.
func TestCorruptEntryIsAMiss(t *testing.T) {
	spoils := map[string]func([]byte) []byte{
		"cut short":    func(b []byte) []byte { return b[:len(b)/2] },
		"byte changed": func(b []byte) []byte { b[len(b)-3] ^= 0x40; return b },
		"other magic":  func(b []byte) []byte { b[0] = 'S'; return b },
		"empty":        func([]byte) []byte { return nil },
		"summed junk": func(b []byte) []byte {
			for i := len(b) / 2; i < len(b); i++ {
				b[i] = 0xff
			}
			return resign(b)
		},
		"summed half": func(b []byte) []byte { return resign(append([]byte(nil), b[:len(b)-len(b)/3]...)) },
	}
	for name, spoil := range spoils {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			paths := []string{f.fixtureFiles()}
			f.load(paths, config.Options{})
			entries, _ := filepath.Glob(filepath.Join(f.cache.Dir, "*"))
			if len(entries) != 1 {
				t.Fatalf("entries %v, want one", entries)
			}
			b, _ := os.ReadFile(entries[0])
			if err := os.WriteFile(entries[0], spoil(b), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, hit := f.load(paths, config.Options{}); hit {
				t.Fatalf("a corrupt entry was a hit")
			}
			if _, hit := f.load(paths, config.Options{}); !hit {
				t.Errorf("the miss did not store a good entry again")
			}
		})
	}
}

// TestPrune: the cache keeps at most maxEntries entries, the newest.
func TestPrune(t *testing.T) {
	f := newFixture(t)
	p := f.fixtureFiles()
	for i := range maxEntries + 5 {
		f.cache.Load([]string{p}, config.Options{Vars: []string{"tag=" + string(rune('a'+i%26)) + string(rune('a'+i/26))}}, config.LoadWith)
	}
	entries, _ := filepath.Glob(filepath.Join(f.cache.Dir, "*"))
	if len(entries) != maxEntries {
		t.Errorf("%d entries, want %d", len(entries), maxEntries)
	}
}

// TestFileBuild: a program rewritten in place, even with content of the
// same size, is another build.
func TestFileBuild(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sandbox")
	if err := os.WriteFile(p, []byte("build one"), 0o755); err != nil {
		t.Fatal(err)
	}
	one, err := fileBuild(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("build two"), 0o755); err != nil {
		t.Fatal(err)
	}
	if two, _ := fileBuild(p); string(one) == string(two) {
		t.Errorf("the build did not change with the program")
	}
}
