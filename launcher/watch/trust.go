package watch

// Under up --watch the launcher, often root, loads its configuration again
// whenever it changes. A sandbox that can write where the configuration
// lives could rewrite it and have the next reload run what it wrote, such
// as a sandbox that binds the host's /. So a reload is not applied when
// a configuration input changed where a sandbox can write.
//
// The inputs are the files one load reads (each *.hcl, *.auto.vars and
// --var-file), by the very bytes the loader parsed, and the lock file
// beside each configuration file. An input changed when its content
// differs from the last applied load's, when it is new, or when it is gone.
//
// Where a sandbox can write is decided on real paths. An input lies under
// a writable path when one of the hops to its content lies within that
// path: the hops are the input's directory entry, named through the real
// path of its directory, then the entry each symlink on the way names,
// down to the file itself; a hop lies within a writable path when it is
// the writable path's real path or below it, or when one of its parent
// directories is the writable directory itself (same device and inode:
// another path to it, such as a bind mount on the host). A removed input
// is its last entry, through its directory's real path. The writable
// paths are those of every sandbox this watch started (Plan.WritablePaths:
// writable bind sources, a persistent rootfs's state_dir) and those that
// any launcher recorded in the state directory for its sandboxes.
//
// Not seen: a hard link to an input made beforehand from a writable path,
// and the lock file swapped and swapped back within one reload, since the
// rootfs code reads the lock file itself.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// maxHops bounds the symlinks followed to an input, as the kernel's
// MAXSYMLINKS does.
const maxHops = 40

// inputs maps the absolute path of each configuration input to the
// sha256 of its content; a lock file that does not exist maps to "".
type inputs map[string]string

// inputReader is the loader's ReadFile under --watch: it records the
// digest of every file it returns.
type inputReader struct {
	mu   sync.Mutex
	read inputs
}

func (r *inputReader) readFile(name string) ([]byte, error) {
	b, err := config.ReadSource(name)
	if err == nil {
		abs, _ := filepath.Abs(name)
		r.mu.Lock()
		r.read[abs] = digestOf(b)
		r.mu.Unlock()
	}
	return b, err
}

// addLocks records the lock file beside each configuration file read.
func (r *inputReader) addLocks() {
	var locks []string
	for name := range r.read {
		if filepath.Ext(name) == ".hcl" && filepath.Base(name) != config.LockFileName {
			locks = append(locks, rootfs.LockPath(name))
		}
	}
	for _, lock := range locks {
		r.read[lock] = fileDigest(lock)
	}
}

// refreshLocks takes the lock files' digests again, after a reload that
// may have written them (up --watch --update-lock).
func (in inputs) refreshLocks() {
	for name := range in {
		if filepath.Base(name) == config.LockFileName {
			in[name] = fileDigest(name)
		}
	}
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// fileDigest is the digest of name's content, "" when it cannot be read.
func fileDigest(name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		return ""
	}
	return digestOf(b)
}

// changedInputs lists, sorted, the inputs whose content differs between
// two loads, or that only one of them has.
func changedInputs(before, after inputs) []string {
	var out []string
	for name, d := range after {
		if old, ok := before[name]; !ok || old != d {
			out = append(out, name)
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// load loads the configuration as up does and records the inputs it read.
func (sv *supervisor) load() (*config.Config, inputs, error) {
	r := &inputReader{read: inputs{}}
	opts := sv.o.Load
	opts.ReadFile = r.readFile
	cfg, err := sv.r.Load(sv.o.Paths, opts)
	r.addLocks()
	return cfg, r.read, err
}

// noteWriter remembers the host paths a sandbox this watch starts can
// write, for as long as the watch runs: what it wrote stays written.
func (sv *supervisor) noteWriter(p *launcher.Plan) {
	for _, w := range p.WritablePaths() {
		if !slices.Contains(sv.wrote[p.Name], w) {
			sv.wrote[p.Name] = append(sv.wrote[p.Name], w)
		}
	}
}

// writers are the sandboxes this watch started, then those recorded in
// the state directory, with the host paths each can write.
func (sv *supervisor) writers() []state.Writer {
	var ws []state.Writer
	names := make([]string, 0, len(sv.wrote))
	for name := range sv.wrote {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ws = append(ws, state.Writer{Name: name, Paths: sv.wrote[name]})
	}
	recorded, _ := sv.r.State.Writers() // unreadable: this watch's own are still known
	return append(ws, recorded...)
}

// written describes each input that changed since the last applied load
// under a path a sandbox can write, one line each.
func (sv *supervisor) written(in inputs) []string {
	ws := sv.writers()
	var out []string
	for _, name := range changedInputs(sv.inputs, in) {
		if sandbox, path, ok := writerOf(name, ws); ok {
			out = append(out, fmt.Sprintf("configuration change in %s not applied: sandbox %s can write %s", sv.rel(name), sandbox, path))
		}
	}
	return out
}

// writerOf finds a sandbox that can write the input name, and the
// writable path through which it can.
func writerOf(name string, ws []state.Writer) (sandbox, path string, ok bool) {
	hops := pathHops(name)
	for _, w := range ws {
		for _, p := range w.Paths {
			if withinWritable(p, hops) {
				return w.Name, p, true
			}
		}
	}
	return "", "", false
}

// pathHops lists the directory entries passed through to reach the
// content of the absolute path name: its entry, named through the real
// path of its directory, then the entry each symlink names in turn.
func pathHops(name string) []string {
	var hops []string
	for len(hops) < maxHops {
		entry := filepath.Join(realPath(filepath.Dir(name)), filepath.Base(name))
		hops = append(hops, entry)
		target, err := os.Readlink(entry)
		if err != nil {
			break // not a symlink, or gone: the entry holds the content
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(entry), target)
		}
		name = target
	}
	return hops
}

// realPath is p with every symlink resolved, or p cleaned where it
// cannot be resolved (it does not exist).
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Clean(p)
}

// withinWritable reports whether one of hops lies within the writable
// path w: at or below its real path or its path as given, or in the
// directory w itself reached by another path.
func withinWritable(w string, hops []string) bool {
	real := realPath(w)
	info, err := os.Stat(real)
	for _, h := range hops {
		if _, ok := under(real, h); ok {
			return true
		}
		if _, ok := under(filepath.Clean(w), h); ok {
			return true
		}
		if err == nil && sameFileAbove(h, info) {
			return true
		}
	}
	return false
}

// sameFileAbove reports whether p, or a directory above it, is the file
// that info describes.
func sameFileAbove(p string, info os.FileInfo) bool {
	for q := p; ; q = filepath.Dir(q) {
		if qi, err := os.Lstat(q); err == nil && os.SameFile(qi, info) {
			return true
		}
		if q == filepath.Dir(q) {
			return false
		}
	}
}
