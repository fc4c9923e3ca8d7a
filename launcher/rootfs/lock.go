package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/hclsandbox/sandbox/config"
	"github.com/zclconf/go-cty/cty"
)

// LockFileName is the lock file kept next to the configuration files.
const LockFileName = config.LockFileName

const lockHeader = `# The root filesystem digests that "sandbox up" verifies before it starts a
# sandbox. Written by "sandbox lock"; check it in next to the configuration.
`

// Lock is the content of one lock file: a digest per sandbox name.
type Lock struct {
	// Path is the lock file's path.
	Path string
	// Entries maps a sandbox name to its locked rootfs.
	Entries map[string]LockEntry
}

// LockEntry is the locked rootfs of one sandbox.
type LockEntry struct {
	// Rootfs is the rootfs path, relative to the lock file's directory when
	// it lies below it; it is there for people, the name and digest decide.
	Rootfs string
	// SHA256 is the digest that Digest computes.
	SHA256 string
}

type lockFile struct {
	Sandboxes []lockBlock `hcl:"sandbox,block"`
}

type lockBlock struct {
	Name   string `hcl:"name,label"`
	Rootfs string `hcl:"rootfs"`
	SHA256 string `hcl:"sha256"`
}

// LockPath is the lock file that belongs to a configuration file.
func LockPath(configFile string) string {
	return filepath.Join(filepath.Dir(configFile), LockFileName)
}

// ReadLock reads a lock file; a missing file is an empty lock.
func ReadLock(path string) (*Lock, error) {
	l := &Lock{Path: path, Entries: map[string]LockEntry{}}
	src, err := config.ReadSource(path)
	if errors.Is(err, os.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read lock file: %w", err)
	}
	f, diags := hclparse.NewParser().ParseHCL(src, path)
	var lf lockFile
	if !diags.HasErrors() {
		diags = gohcl.DecodeBody(f.Body, nil, &lf)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("read lock file: %w", hcl.Diagnostics(diags))
	}
	for _, b := range lf.Sandboxes {
		l.Entries[b.Name] = LockEntry{Rootfs: b.Rootfs, SHA256: b.SHA256}
	}
	return l, nil
}

// Set records the rootfs and digest of sandbox name.
func (l *Lock) Set(name, rootfs, digest string) {
	dir, _ := filepath.Abs(filepath.Dir(l.Path))
	if rel, err := filepath.Rel(dir, rootfs); err == nil && filepath.IsLocal(rel) {
		rootfs = "./" + filepath.ToSlash(rel)
	}
	l.Entries[name] = LockEntry{Rootfs: rootfs, SHA256: digest}
}

// Write replaces the lock file atomically, entries sorted by name. The
// temporary file's mode is set on its descriptor: the directory may be
// writable by others, who could put a symlink in place of its name.
func (l *Lock) Write() error {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	names := make([]string, 0, len(l.Entries))
	for n := range l.Entries {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		if i > 0 {
			body.AppendNewline()
		}
		b := body.AppendNewBlock("sandbox", []string{n}).Body()
		b.SetAttributeValue("rootfs", cty.StringVal(l.Entries[n].Rootfs))
		b.SetAttributeValue("sha256", cty.StringVal(l.Entries[n].SHA256))
	}
	tmp, err := os.CreateTemp(filepath.Dir(l.Path), ".lock-*.hcl")
	if err != nil {
		return fmt.Errorf("write lock file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(append([]byte(lockHeader+"\n"), f.Bytes()...))
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), l.Path)
	}
	if err != nil {
		return fmt.Errorf("write lock file %s: %w", l.Path, err)
	}
	return nil
}
