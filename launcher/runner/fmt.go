package runner

import (
	"bytes"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/rogpeppe/go-internal/diff"
)

// FmtOptions are the flags of `sandbox fmt`.
type FmtOptions struct {
	Check bool // report, do not write
	Diff  bool // print a diff of each change
}

// Fmt rewrites the files at args (the current directory when none) in
// canonical form, naming each changed file on stdout; it ends with 1 when
// a file does not parse or, with Check, would change.
func (r *Runner) Fmt(args []string, o FmtOptions) error {
	if len(args) == 0 {
		args = []string{"."}
	}
	files, err := config.FormatFiles(args)
	if err != nil {
		return exitcode.Errorf(exitcode.InvalidConfig, "%v", err)
	}
	failed, changed := false, false
	for _, name := range files {
		c, err := r.fmtFile(name, o)
		if err != nil {
			failed = true
		}
		changed = changed || c
	}
	if failed || (o.Check && changed) {
		return exitcode.Code(exitcode.InvalidConfig)
	}
	return nil
}

// fmtFile formats one file and reports whether it changed (or would).
func (r *Runner) fmtFile(name string, o FmtOptions) (bool, error) {
	src, err := config.ReadSource(name)
	if err != nil {
		fmt.Fprintf(r.Stderr, "sandbox: %v\n", err)
		return false, err
	}
	out, diags := config.Format(src, name)
	if diags.HasErrors() {
		r.PrintDiags(diags, map[string]*hcl.File{name: {Bytes: src}})
		return false, diags
	}
	if bytes.Equal(src, out) {
		return false, nil
	}
	fmt.Fprintln(r.Stdout, name)
	if o.Diff {
		r.Stdout.Write(diff.Diff(name, src, name+" (formatted)", out))
	}
	if o.Check {
		return true, nil
	}
	if err := config.WriteKeepMode(name, out); err != nil {
		fmt.Fprintf(r.Stderr, "sandbox: %v\n", err)
		return true, err
	}
	return true, nil
}
