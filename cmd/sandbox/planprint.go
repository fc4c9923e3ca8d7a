package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
)

// writePlan prints a plan as the numbered steps the child performs.
func writePlan(w io.Writer, p *launcher.Plan) {
	fmt.Fprintf(w, "sandbox %q (%s)\n", p.Name, p.File)
	n := 0
	step := func(format string, args ...any) {
		n++
		fmt.Fprintf(w, "  %2d. %s\n", n, fmt.Sprintf(format, args...))
	}
	step("create namespaces: %s", strings.Join(p.Namespaces, " "))
	step("make every mount private: nothing propagates to the host")
	if p.Spec.Root.Source == "" {
		step("root: a fresh tmpfs")
	} else {
		step("root: bind %s", p.Spec.Root.Source)
	}
	step("mount, in order:")
	for _, m := range p.Spec.Mounts {
		fmt.Fprintf(w, "        %s\n", mountLine(m))
	}
	step("pivot_root into the new root, detach the old root, chdir /")
	if p.Spec.Root.Readonly {
		step("remount / read-only")
	}
	if p.Spec.Hostname != "" {
		step("set hostname %s", p.Spec.Hostname)
	}
	step("chdir %s", p.Spec.Cwd)
	step("execve %s", quoteArgs(p.Spec.Args))
	for _, kv := range p.Spec.Env {
		fmt.Fprintf(w, "        env %s\n", kv)
	}
}

// mountLine describes one mount step on one line.
func mountLine(m isolation.Mount) string {
	var b strings.Builder
	switch m.Kind {
	case isolation.KindBind:
		fmt.Fprintf(&b, "bind    %s on %s", m.Source, m.Target)
	case isolation.KindSymlink:
		fmt.Fprintf(&b, "symlink %s -> %s", m.Target, m.Source)
	default:
		fmt.Fprintf(&b, "%-7s %s", m.FSType, m.Target)
	}
	opts := append([]string(nil), m.Flags...)
	if m.Data != "" {
		opts = append(opts, m.Data)
	}
	if len(opts) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(opts, ","))
	}
	if m.Optional {
		b.WriteString(" if it exists")
	}
	return b.String()
}

// quoteArgs quotes the words of argv that need it.
func quoteArgs(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\$`;&|<>()*?[]#~") {
			out[i] = strconv.Quote(a)
		}
	}
	return strings.Join(out, " ")
}
