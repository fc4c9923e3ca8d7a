package plancache

import (
	"errors"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
)

// Env turns the cache off when set to "off" (or "0", "false", "no").
const Env = "SANDBOX_PLAN_CACHE"

// errStale is an entry whose inputs changed.
var errStale = errors.New("stale entry")

// Cache is one user's cache of loads.
type Cache struct {
	// Dir holds the entries; it and every directory above it must be
	// root's or the caller's, writable by no one else.
	Dir string
	// Build identifies the running program: an entry written by another
	// build is never read.
	Build []byte

	// noMargin lets tests store loads of directories they just wrote.
	noMargin bool
}

// LoadFunc loads a configuration: config.LoadWith, or a test's.
type LoadFunc func(paths []string, opts config.Options) (*config.Config, hcl.Diagnostics)

// FromEnv is the cache of the caller in stateRoot (the root of the
// launcher's state, see launcher/state), or nil when lookupEnv turns it
// off or this program cannot tell its own build.
func FromEnv(lookupEnv func(string) (string, bool), stateRoot string) *Cache {
	if lookupEnv != nil {
		if v, ok := lookupEnv(Env); ok && off(v) {
			return nil
		}
	}
	build, err := selfBuild()
	if err != nil || stateRoot == "" {
		return nil
	}
	return &Cache{Dir: filepath.Join(stateRoot, "plancache"), Build: build}
}

func off(v string) bool {
	switch strings.ToLower(v) {
	case "off", "0", "false", "no":
		return true
	}
	return false
}

// Load is load(paths, opts), from the cache when an entry for them has
// inputs that are all as recorded (hit is then true). A load without any
// diagnostic whose every input was recorded is stored. On a hit the
// configuration's Files hold each file's bytes (what diagnostics quote)
// but no syntax tree, and its Origins are empty: callers that read either
// load without the cache. A nil cache, or options with their own ReadFile
// or Observe, load without it.
func (c *Cache) Load(paths []string, opts config.Options, load LoadFunc) (cfg *config.Config, diags hcl.Diagnostics, hit bool) {
	if c == nil || opts.ReadFile != nil || opts.Observe != nil {
		cfg, diags = load(paths, opts)
		return cfg, diags, false
	}
	q, err := c.newQuery(paths, opts)
	if err != nil {
		cfg, diags = load(paths, opts)
		return cfg, diags, false
	}
	name := entryName(q)
	if b := c.read(name); b != nil {
		if cfg, err := unmarshal(b, q, lookupOf(opts)); err == nil {
			return cfg, nil, true
		}
	}
	rec := newRecorder(paths, opts, !c.noMargin)
	cfg, diags = load(paths, rec.options())
	if len(diags) == 0 && rec.finish() {
		if b, err := marshal(q, &rec.in, cfg); err == nil {
			c.write(name, b)
		}
	}
	return cfg, diags, false
}
