package plancache

import (
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/config"
)

// inputs are what a load read, as recorded for an entry.
type inputs struct {
	Files []fileInput
	Dirs  []dirInput
	Env   []envInput
}

// fileInput is one file a load read; Parsed files are configuration and
// variables files, which the configuration's Files hold.
type fileInput struct {
	Name   string
	Parsed bool
	Sum    [sha256.Size]byte
}

// dirInput is a directory whose listing decides which files a load reads
// (a directory's *.hcl files, the *.auto.vars files beside a
// configuration), known by its stamp: adding, removing or renaming a file
// in it changes the directory's modification and change times.
type dirInput struct {
	Name  string
	Stamp stamp
}

// stamp identifies a version of a directory: its device, inode, and
// modification and change times in nanoseconds.
type stamp struct {
	Dev, Ino     uint64
	Mtime, Ctime int64
}

// racyMargin is how long before a load a directory must have last changed
// for its stamp to vouch for its listing: times come from a clock that
// ticks coarsely (a jiffy, or whole seconds on some filesystems), so a
// change made within the same tick as the stamp could leave it as it was.
const racyMargin = 2 * time.Second

// envInput is an environment variable a load looked up.
type envInput struct {
	Name string
	Set  bool
	Sum  [sha256.Size]byte
}

// recorder records the inputs of one load through its options; a read it
// cannot vouch for makes the load uncacheable.
type recorder struct {
	mu      sync.Mutex
	opts    config.Options
	in      inputs
	seen    map[string]int // file name to its index in in.Files
	envSeen map[string]bool
	bad     bool
	start   time.Time // racyMargin before the load began, or the time it began
}

// newRecorder records the load of paths with opts; margin says whether a
// directory changed less than racyMargin before the load is refused.
func newRecorder(paths []string, opts config.Options, margin bool) *recorder {
	r := &recorder{opts: opts, seen: map[string]int{}, envSeen: map[string]bool{}, start: time.Now()}
	if margin {
		r.start = r.start.Add(-racyMargin)
	}
	for _, d := range listedDirs(paths) {
		st, err := stampOf(d)
		r.bad = r.bad || err != nil
		r.in.Dirs = append(r.in.Dirs, dirInput{Name: d, Stamp: st})
	}
	return r
}

// options are opts with every read recorded.
func (r *recorder) options() config.Options {
	o := r.opts
	o.ReadFile = func(name string) ([]byte, error) {
		b, err := config.ReadSource(name)
		r.file(name, true, b, err)
		return b, err
	}
	o.Observe = func(name string, b []byte, err error) { r.file(name, false, b, err) }
	lookup := lookupOf(r.opts)
	o.LookupEnv = func(name string) (string, bool) {
		v, ok := lookup(name)
		r.env(name, v, ok)
		return v, ok
	}
	return o
}

func (r *recorder) file(name string, parsed bool, b []byte, err error) {
	info, serr := os.Stat(name)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil || serr != nil || !info.Mode().IsRegular() {
		r.bad = true // a pipe cannot be read again, nor a failed read vouched for
		return
	}
	f := fileInput{Name: name, Parsed: parsed, Sum: sha256.Sum256(b)}
	if i, ok := r.seen[name]; ok {
		r.bad = r.bad || r.in.Files[i].Sum != f.Sum // changed while the load read it
		r.in.Files[i].Parsed = r.in.Files[i].Parsed || parsed
		return
	}
	r.seen[name] = len(r.in.Files)
	r.in.Files = append(r.in.Files, f)
}

func (r *recorder) env(name, v string, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.envSeen[name] {
		r.envSeen[name] = true
		r.in.Env = append(r.in.Env, envInput{Name: name, Set: ok, Sum: sha256.Sum256([]byte(v))})
	}
}

// finish reports whether the load's inputs are all recorded: every read
// vouched for, every listed directory unchanged since well before the load
// (racyMargin), and every configuration file's directory among them.
func (r *recorder) finish() bool {
	if r.bad {
		return false
	}
	old := r.start.UnixNano()
	for _, d := range r.in.Dirs {
		st, err := stampOf(d.Name)
		if err != nil || st != d.Stamp || st.Mtime >= old || st.Ctime >= old {
			return false
		}
	}
	for _, f := range r.in.Files {
		if f.Parsed && !slices.Contains(r.opts.VarFiles, f.Name) && !r.listed(filepath.Dir(f.Name)) {
			return false
		}
	}
	return true
}

func (r *recorder) listed(dir string) bool {
	return slices.ContainsFunc(r.in.Dirs, func(d dirInput) bool { return d.Name == dir })
}

// listedDirs are the directories whose listings the load of paths depends
// on, as config finds its files: a directory given (its *.hcl and
// *.auto.vars files), and a file's directory (its *.auto.vars files).
func listedDirs(paths []string) []string {
	var out []string
	for _, p := range paths {
		d := filepath.Dir(p)
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			d = filepath.Clean(p)
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

func lookupOf(opts config.Options) func(string) (string, bool) {
	if opts.LookupEnv != nil {
		return opts.LookupEnv
	}
	return os.LookupEnv
}

// check reports whether the inputs are as recorded, returning the
// content of the parsed files.
func (in *inputs) check(lookup func(string) (string, bool)) (map[string][]byte, bool) {
	for _, e := range in.Env {
		v, ok := lookup(e.Name)
		if ok != e.Set || sha256.Sum256([]byte(v)) != e.Sum {
			return nil, false
		}
	}
	for _, d := range in.Dirs {
		if st, err := stampOf(d.Name); err != nil || st != d.Stamp {
			return nil, false
		}
	}
	parsed := make(map[string][]byte, len(in.Files))
	for _, f := range in.Files {
		b, ok := readRegular(f.Name)
		if !ok || sha256.Sum256(b) != f.Sum {
			return nil, false
		}
		if f.Parsed {
			parsed[f.Name] = b
		}
	}
	return parsed, true
}

// readRegular reads a regular file of at most config.MaxSourceSize bytes.
// It opens only what was a regular file, without waiting, and checks
// again what it opened: a pipe is never waited on, a device never opened.
func readRegular(name string) ([]byte, bool) {
	before, err := os.Stat(name)
	if err != nil || !before.Mode().IsRegular() {
		return nil, false
	}
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() || !os.SameFile(before, info) || info.Size() > config.MaxSourceSize {
		return nil, false
	}
	b, err := io.ReadAll(io.LimitReader(f, config.MaxSourceSize+1))
	return b, err == nil && len(b) <= config.MaxSourceSize
}
