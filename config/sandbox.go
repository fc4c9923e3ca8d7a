package config

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Namespaces lists the namespace kinds a sandbox isolates by default, in order.
var Namespaces = []string{"uts", "pid", "mount", "ipc", "net", "cgroup"}

// NamespaceKinds lists every namespace kind a sandbox may isolate: the
// default ones, "user", which maps ids (uid_map, gid_map) and lets a
// non-root user run sandboxes, and "time", which moves the monotonic and
// boot clocks (clock_offsets).
var NamespaceKinds = append(append([]string{"user"}, Namespaces...), "time")

// Sandbox is one declared sandbox, fully evaluated. Paths are absolute.
type Sandbox struct {
	// Name is the label of the sandbox block.
	Name string
	// File is the path of the HCL file that declares it, as given to Load.
	File string
	// Dir is the absolute directory of File; relative paths resolve against it.
	Dir string

	// Command is the argv to run; empty only when Image is set, whose
	// entrypoint and command it then is.
	Command []string
	// Env is the environment given to Command, on top of the launcher's
	// defaults: the env_file files' variables, then the env attribute's.
	Env map[string]string
	// EnvFiles are the absolute paths of the env_file files, in order.
	EnvFiles []string
	// Workdir is the working directory inside the sandbox; "" means "/".
	Workdir string
	// Hostname is the UTS hostname; "" means the sandbox name.
	Hostname string
	// Rootfs is the absolute path of the root filesystem, a directory or a
	// tarball; "" means a read-only view of the host's system.
	Rootfs string
	// RootfsOptions are the pin, mode and state directory of the rootfs.
	RootfsOptions RootfsOptions
	// Image is the image whose layers make the root filesystem, an
	// ephemeral overlay, and whose configuration gives the defaults of
	// Command, Env, Workdir and the user; nil when the sandbox has none.
	Image *ImageSource
	// Mounts are the mount blocks, in source order.
	Mounts []Mount
	// Namespaces are the namespace kinds to create; the rest are shared with the host.
	Namespaces []string
	// Resources are the limits, rlimits, oom_score_adj and timeout.
	Resources
	// Batching is the fan-out key, dependencies and stop settings.
	Batching
	// Networking is the network, published ports, aliases and DNS servers.
	Networking
	// Init runs a small init as the sandbox's PID 1 that forwards signals
	// to the command and reaps orphans; nil means the default: on when the
	// command is a shell.
	Init *bool
	// Watch is the watch block: the files that relaunch the sandbox under
	// up --watch; nil when there is none.
	Watch *Watch
	// Restart is the restart policy: restart and max_restarts.
	Restart Restart
	// Expect is what `sandbox test` checks once the sandbox has ended;
	// nil when it has no expect block.
	Expect *Expect
	// Health is the health block: the check that makes the sandbox
	// healthy; nil when it has none.
	Health *Health

	// Sensitive holds the values that derive from a sensitive variable, for
	// output meant for people to hide: an attribute name ("hostname"), or an
	// attribute and an element written out in the file ("command.2",
	// "env.TOKEN").
	Sensitive map[string]bool

	// ClockOffsets move the clocks of the time namespace; nil when the
	// sandbox has no clock_offsets block.
	ClockOffsets *ClockOffsets

	// UIDMap and GIDMap map ids inside a user namespace to ids outside; nil
	// means the default (see the launcher).
	UIDMap, GIDMap []IDMap

	// Security is how much privilege the command keeps.
	Security Security

	// DeclRange is the range of the block header, for diagnostics about the
	// sandbox as a whole.
	DeclRange hcl.Range
	// Ranges holds the source range of every attribute that was set, by name,
	// so that later stages can point at the line that caused a problem.
	Ranges map[string]hcl.Range
}

// Range returns the source range of the named attribute, or of the block
// header when the attribute was not set.
func (s *Sandbox) Range(attr string) hcl.Range {
	if r, ok := s.Ranges[attr]; ok {
		return r
	}
	return s.DeclRange
}

// IsSensitive reports whether the value at key derives from a sensitive
// variable: key itself or, for "attr.elem", the whole attribute.
func (s *Sandbox) IsSensitive(key string) bool {
	if s.Sensitive[key] {
		return true
	}
	attr, _, found := strings.Cut(key, ".")
	return found && s.Sensitive[attr]
}

// HasNamespace reports whether the sandbox creates a namespace of the given kind.
func (s *Sandbox) HasNamespace(kind string) bool {
	for _, n := range s.Namespaces {
		if n == kind {
			return true
		}
	}
	return false
}

// Config is the result of loading one or more files.
type Config struct {
	// Sandboxes in declaration order: files in the order given, blocks in file order.
	Sandboxes []*Sandbox
	// Files maps each loaded filename to its parsed form, for rendering snippets.
	Files map[string]*hcl.File
	// Batch is the batch block, or nil.
	Batch *Batch
	// Networks are the network blocks by name, with the implicit default.
	Networks map[string]*Network
	// Variables are the variables' final values, sensitive ones redacted.
	Variables []VariableValue
	// Origins say where variables and locals got their values.
	Origins Origins
	// Project is the top-level project attribute, or "" when no file has
	// one; ProjectRange is where it is.
	Project      string
	ProjectRange hcl.Range
}

// Lookup returns the sandbox with the given name, or nil.
func (c *Config) Lookup(name string) *Sandbox {
	for _, s := range c.Sandboxes {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Names returns the names of all sandboxes in declaration order.
func (c *Config) Names() []string {
	names := make([]string, len(c.Sandboxes))
	for i, s := range c.Sandboxes {
		names[i] = s.Name
	}
	return names
}

// IDMap maps Count ids from Inside (in the sandbox's user namespace) to
// Outside (on the host), as a line of /proc/PID/uid_map.
type IDMap struct {
	Inside, Outside, Count uint32
}
