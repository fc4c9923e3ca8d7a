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

const lockHeader = `# The root filesystem digests and image pins that "sandbox up" verifies
# before it starts a sandbox. Written by "sandbox lock"; check it in next to
# the configuration.
`

// Lock is the content of one lock file: a digest per sandbox name.
type Lock struct {
	// Path is the lock file's path.
	Path string
	// Entries maps a sandbox name to its locked rootfs.
	Entries map[string]LockEntry
}

// LockEntry is the locked rootfs or image of one sandbox.
type LockEntry struct {
	// Rootfs is the rootfs path, relative to the lock file's directory when
	// it lies below it; it is there for people, the name and digest decide.
	Rootfs string
	// SHA256 is the digest that Digest computes.
	SHA256 string
	// Image is the image source pinned, as the image attribute gives it;
	// Digest is its manifest (or index) digest and Platform the digest of
	// the host platform's manifest of an index ("sha256:..." each).
	Image, Digest, Platform string
}

type lockFile struct {
	Sandboxes []lockBlock `hcl:"sandbox,block"`
}

type lockBlock struct {
	Name     string `hcl:"name,label"`
	Rootfs   string `hcl:"rootfs,optional"`
	SHA256   string `hcl:"sha256,optional"`
	Image    string `hcl:"image,optional"`
	Digest   string `hcl:"digest,optional"`
	Platform string `hcl:"platform,optional"`
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
		l.Entries[b.Name] = LockEntry{Rootfs: b.Rootfs, SHA256: b.SHA256, Image: b.Image, Digest: b.Digest, Platform: b.Platform}
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

// SetImage records the image source and its digests for sandbox name.
func (l *Lock) SetImage(name, source, digest, platform string) {
	l.Entries[name] = LockEntry{Image: source, Digest: digest, Platform: platform}
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
		writeEntry(body.AppendNewBlock("sandbox", []string{n}).Body(), l.Entries[n])
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

// writeEntry writes one sandbox's block: an image's source and digests,
// or a rootfs and its sha256.
func writeEntry(b *hclwrite.Body, e LockEntry) {
	if e.Image == "" {
		b.SetAttributeValue("rootfs", cty.StringVal(e.Rootfs))
		b.SetAttributeValue("sha256", cty.StringVal(e.SHA256))
		return
	}
	b.SetAttributeValue("image", cty.StringVal(e.Image))
	b.SetAttributeValue("digest", cty.StringVal(e.Digest))
	if e.Platform != "" {
		b.SetAttributeValue("platform", cty.StringVal(e.Platform))
	}
}
