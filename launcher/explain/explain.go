package explain

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// Answer is what explain says about one thing.
type Answer struct {
	// What is the thing asked about, Kind what it is: "path",
	// "attribute", "syscall", "capability" or "port".
	What string `json:"what"`
	Kind string `json:"kind"`
	// Answer is the short answer: "absent", "read-only bind of /usr".
	Answer string `json:"answer"`
	// Chain are the decisions that lead to it, outermost first.
	Chain []Step `json:"chain"`
}

// Step is one decision and where it was made.
type Step struct {
	Text string `json:"text"`
	// Where is FILE:LINE:COL, or "" for a built-in default.
	Where string `json:"where,omitempty"`
}

// Input is what an explanation reads.
type Input struct {
	Config  *config.Config
	Sandbox *config.Sandbox
	Plan    *launcher.Plan
	// Arch is the GOARCH the seccomp filter was compiled for.
	Arch string
}

// Explain answers for what, which names a path inside the sandbox (it
// starts with /), a capability (CAP_…), a port (a number, or NUMBER/PROTO),
// an attribute of the sandbox block (limits.memory) or a syscall.
func Explain(in Input, what string) (*Answer, error) {
	var a *Answer
	var err error
	switch kind := Classify(in.Sandbox, what); kind {
	case "path":
		a = explainPath(in, what)
	case "capability":
		a = explainCapability(in, what)
	case "port":
		a = explainPort(in, what)
	case "attribute":
		a = explainAttribute(in, what)
	default:
		a, err = explainSyscall(in, what)
	}
	return a, err
}

// Classify says what kind of thing what names.
func Classify(s *config.Sandbox, what string) string {
	switch {
	case strings.HasPrefix(what, "/"):
		return "path"
	case strings.HasPrefix(strings.ToUpper(what), "CAP_"):
		return "capability"
	case isPort(what):
		return "port"
	case isAttribute(what):
		return "attribute"
	}
	return "syscall"
}

func isPort(what string) bool {
	n, _, _ := strings.Cut(what, "/")
	_, err := strconv.ParseUint(n, 10, 16)
	return err == nil
}

// isAttribute reports whether what is an attribute of the sandbox block
// in the schema, not a block (mount is a block and a syscall).
func isAttribute(what string) bool {
	doc := config.SchemaDoc()
	leaf, block := false, false
	for _, p := range doc {
		leaf = leaf || p == "sandbox."+what
		block = block || strings.HasPrefix(p, "sandbox."+what+".")
	}
	return leaf && (!block || what == "rootfs")
}

// where is a range as FILE:LINE:COL.
func where(r hcl.Range) string {
	if r.Filename == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

// Text is the answer for people: the answer, then one line a step.
func (a *Answer) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", a.What, a.Answer)
	for _, s := range a.Chain {
		if s.Where != "" {
			fmt.Fprintf(&b, "  %s: %s\n", s.Where, s.Text)
		} else {
			fmt.Fprintf(&b, "  %s\n", s.Text)
		}
	}
	return b.String()
}

func (a *Answer) step(where, format string, args ...any) {
	a.Chain = append(a.Chain, Step{Text: fmt.Sprintf(format, args...), Where: where})
}
