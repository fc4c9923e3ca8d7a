package runner

import (
	"fmt"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher/receipt"
)

// Verify compares the receipt at path with a plan made now of the files
// it names, or of files (`sandbox verify`): each difference on stdout
// ends it with 1.
func (r *Runner) Verify(path string, files []string, load config.Options) error {
	was, err := receipt.Read(path)
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "%v", err)
	}
	if len(files) == 0 {
		for _, f := range was.Config {
			files = append(files, f.Path)
		}
	}
	cfg, err := r.Load(files, load)
	if err != nil {
		return err
	}
	s := cfg.Lookup(was.Sandbox)
	if s == nil {
		fmt.Fprintf(r.Stdout, "%s: differs from the receipt:\n  sandbox %s: no longer declared\n", was.Sandbox, was.Sandbox)
		return exitcode.Code(1)
	}
	diffs := receipt.Compare(was, r.ReceiptNow(cfg, s, was))
	if len(diffs) == 0 {
		fmt.Fprintf(r.Stdout, "%s: same: a run now would have the receipt's configuration, variables, root, host facts and limits\n", s.Name)
		return nil
	}
	fmt.Fprintf(r.Stdout, "%s: differs from the receipt:\n", s.Name)
	for _, d := range diffs {
		fmt.Fprintf(r.Stdout, "  %s\n", d)
	}
	return exitcode.Code(1)
}

// ReceiptNow is the receipt a run of s would start with now, with the
// command and arguments of was.
func (r *Runner) ReceiptNow(cfg *config.Config, s *config.Sandbox, was *receipt.Receipt) *receipt.Receipt {
	host := r.ProbeHost()
	planned := BuildPlans([]*config.Sandbox{s}, host, nil)[0]
	if len(was.Args) > 0 {
		planned = planned.WithArgs(was.Args)
	}
	in, err := receipt.InputsOf(cfg)
	if err != nil {
		fmt.Fprintf(r.Stderr, "sandbox: %v\n", err)
	}
	root, err := receipt.RootOf(s, planned, "")
	if err != nil {
		fmt.Fprintf(r.Stderr, "sandbox: %s: %v\n", s.Name, err)
	}
	now := receipt.New(was.Command, in, s.Name, planned, root, host)
	now.Args = was.Args
	return now
}
