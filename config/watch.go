package config

import (
	"path"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Defaults of the watch block. The restart policy's timing is runtime
// policy, in launcher/supervise.
const (
	DefaultDebounce    = 200 * time.Millisecond
	DefaultWatchSignal = "SIGHUP"
)

// Watch actions and restart policies.
const (
	WatchRestart     = "restart"
	WatchSignal      = "signal"
	RestartNo        = "no"
	RestartOnFailure = "on-failure"
	RestartAlways    = "always"
)

var (
	watchActions    = []string{WatchRestart, WatchSignal}
	restartPolicies = []string{RestartNo, RestartOnFailure, RestartAlways}
)

// Watch is a sandbox's watch block: which host files relaunch it under
// `up --watch`, and how.
type Watch struct {
	// Paths are absolute host paths, files or directories (watched
	// recursively).
	Paths []string
	// Ignore are gitignore-style globs, relative to Dir.
	Ignore []string
	// Dir is the directory of the file that declares the block.
	Dir string
	// Debounce is how long the files must stay quiet before one relaunch.
	Debounce time.Duration
	// Action is WatchRestart or WatchSignal.
	Action string
	// Signal is what WatchSignal sends, "SIGHUP".
	Signal string
	// OwnWrites counts changes under the sandbox's own writable bind
	// mounts and state_dir, which are otherwise left out so that a
	// sandbox cannot relaunch itself by writing.
	OwnWrites bool
}

// WritablePaths are the host paths the sandbox can write to: the sources
// of its writable bind mounts and its persistent rootfs's state_dir.
func (s *Sandbox) WritablePaths() []string {
	var out []string
	for _, m := range s.Mounts {
		if m.Type == "bind" && !m.Readonly {
			out = append(out, m.Source)
		}
	}
	if s.RootfsOptions.StateDir != "" {
		out = append(out, s.RootfsOptions.StateDir)
	}
	return out
}

// Restart is what happens when a sandbox's command ends by itself.
type Restart struct {
	// Policy is RestartNo, RestartOnFailure or RestartAlways.
	Policy string
	// Max is how many restarts in a row are allowed; 0 means no limit.
	Max int
}

var watchSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "paths", Required: true},
		{Name: "ignore"},
		{Name: "debounce"},
		{Name: "action"},
		{Name: "signal"},
		{Name: "own_writes"},
	},
}

// decodeRestart fills s.Restart from restart and max_restarts.
func decodeRestart(s *Sandbox, attrs hcl.Attributes, ctx *hcl.EvalContext) hcl.Diagnostics {
	s.Restart = Restart{Policy: RestartNo}
	var diags hcl.Diagnostics
	if a, ok := attrs["restart"]; ok {
		v, ok, d := stringValue(a, ctx)
		diags = append(diags, d...)
		if ok {
			diags = append(diags, oneOf(a, v, "restart policy", restartPolicies)...)
			s.Restart.Policy = v
		}
	}
	if a, ok := attrs["max_restarts"]; ok {
		v, d := attrValue(a, ctx, cty.Number, "a number")
		diags = append(diags, d...)
		if !d.HasErrors() && !v.IsNull() {
			n, acc := v.AsBigFloat().Int64()
			if acc != 0 || n < 0 || n > 1_000_000 {
				diags = append(diags, invalid(a, "Value out of range",
					"max_restarts must be a whole number from 0 (no limit) to 1000000.")...)
			}
			s.Restart.Max = int(n)
		}
	}
	return diags
}

// decodeWatch decodes the sandbox's watch block, if any.
func decodeWatch(s *Sandbox, blocks hcl.Blocks, ctx *hcl.EvalContext) hcl.Diagnostics {
	if len(blocks) == 0 {
		return nil
	}
	diags := onlyOne(blocks)
	content, d := blocks[0].Body.Content(watchSchema)
	diags = append(diags, d...)
	w := &Watch{Dir: s.Dir, Debounce: DefaultDebounce, Action: WatchRestart, Signal: DefaultWatchSignal}
	attrs := content.Attributes
	for name, a := range attrs {
		s.Ranges["watch."+name] = a.Expr.Range()
	}
	if a, ok := attrs["paths"]; ok {
		v, d := stringList(a, ctx)
		diags = append(diags, d...)
		if !d.HasErrors() && len(v) == 0 {
			diags = append(diags, invalid(a, "No paths to watch", "Give at least one file or directory, such as [\"./app\"].")...)
		}
		for _, p := range v {
			w.Paths = append(w.Paths, resolvePath(s.Dir, p))
		}
	}
	if a, ok := attrs["ignore"]; ok {
		v, d := stringList(a, ctx)
		diags = append(diags, append(d, checkGlobs(a, v)...)...)
		w.Ignore = v
	}
	if a, ok := attrs["debounce"]; ok {
		t, d := durationAttr(a, ctx)
		diags = append(diags, d...)
		w.Debounce = t
	}
	diags = append(diags, decodeWatchAction(w, attrs, ctx)...)
	if a, ok := attrs["own_writes"]; ok {
		v, d := attrValue(a, ctx, cty.Bool, "a bool")
		diags = append(diags, d...)
		w.OwnWrites = !d.HasErrors() && !v.IsNull() && v.True()
	}
	s.Watch = w
	return diags
}

// decodeWatchAction reads action and signal.
func decodeWatchAction(w *Watch, attrs hcl.Attributes, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if a, ok := attrs["action"]; ok {
		v, ok, d := stringValue(a, ctx)
		diags = append(diags, d...)
		if ok {
			diags = append(diags, oneOf(a, v, "watch action", watchActions)...)
			w.Action = v
		}
	}
	if a, ok := attrs["signal"]; ok {
		name, d := signalAttr(a, ctx, "Invalid signal", "a signal the watch can send")
		diags = append(diags, d...)
		if !d.HasErrors() && w.Action != WatchSignal {
			diags = append(diags, invalid(a, "Signal without action",
				"signal is what action = \"signal\" sends; set action = \"signal\" too, or leave signal out.")...)
		}
		w.Signal = name
	}
	return diags
}

// oneOf reports v unless it is one of allowed.
func oneOf(a *hcl.Attribute, v, what string, allowed []string) hcl.Diagnostics {
	if contains(allowed, v) {
		return nil
	}
	return invalid(a, "Invalid "+what, "%q is not a %s; use one of \"%s\".%s", v, what,
		strings.Join(allowed, `", "`), didYouMean(v, allowed))
}

// checkGlobs reports the patterns that are not valid globs.
func checkGlobs(a *hcl.Attribute, globs []string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, g := range globs {
		p := strings.TrimSuffix(strings.TrimPrefix(g, "!"), "/")
		if p == "" {
			diags = append(diags, invalid(a, "Empty pattern", "An ignore pattern may not be empty.")...)
			continue
		}
		if _, err := path.Match(strings.ReplaceAll(p, "**", "*"), ""); err != nil {
			diags = append(diags, invalid(a, "Invalid pattern", "The ignore pattern %q is not a valid glob: %v.", g, err)...)
		}
	}
	return diags
}

// Ignored reports whether rel (a slash-separated path relative to w.Dir;
// isDir when it names a directory) matches the ignore globs, the way
// .gitignore does: a pattern without a slash matches a name at any depth,
// one with a slash matches from Dir, a trailing slash matches only
// directories, "**" matches any number of directories, a leading "!"
// takes a path back in, and the last matching pattern wins. A path under
// an ignored directory is ignored.
func (w *Watch) Ignored(rel string, isDir bool) bool {
	parts := strings.Split(rel, "/")
	for i := range parts {
		dir := isDir || i < len(parts)-1
		if matchIgnore(w.Ignore, parts[:i+1], dir) {
			return true
		}
	}
	return false
}

// matchIgnore applies every pattern to the path parts, the last match winning.
func matchIgnore(globs, parts []string, isDir bool) bool {
	ignored := false
	for _, g := range globs {
		neg := strings.HasPrefix(g, "!")
		g = strings.TrimPrefix(g, "!")
		if strings.HasSuffix(g, "/") {
			if !isDir {
				continue
			}
			g = strings.TrimSuffix(g, "/")
		}
		var ok bool
		if strings.Contains(g, "/") {
			ok = matchParts(strings.Split(strings.TrimPrefix(g, "/"), "/"), parts)
		} else {
			ok, _ = path.Match(g, parts[len(parts)-1])
		}
		if ok {
			ignored = !neg
		}
	}
	return ignored
}

// matchParts matches glob segments against path segments; "**" matches
// zero or more segments.
func matchParts(globs, parts []string) bool {
	if len(globs) == 0 {
		return len(parts) == 0
	}
	if globs[0] == "**" {
		for i := 0; i <= len(parts); i++ {
			if matchParts(globs[1:], parts[i:]) {
				return true
			}
		}
		return false
	}
	if len(parts) == 0 {
		return false
	}
	ok, _ := path.Match(globs[0], parts[0])
	return ok && matchParts(globs[1:], parts[1:])
}
