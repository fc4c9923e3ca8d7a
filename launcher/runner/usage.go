package runner

import (
	"fmt"
	"os"
	"strings"

	"github.com/hclsandbox/sandbox/internal/phase"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
)

// RunWantsName is the error for `run FILE` without a name: it lists the
// names the file declares, when it loads.
func (r *Runner) RunWantsName(file string, load config.Options) error {
	msg := fmt.Sprintf("run: name the sandbox to run after the file: sandbox run %s NAME", file)
	if _, err := os.Stat(file); err == nil {
		if cfg, err := r.Load([]string{file}, load); err == nil && len(cfg.Names()) > 0 {
			msg += ", with NAME one of: " + strings.Join(cfg.Names(), ", ")
		}
	}
	return exitcode.Errorf(exitcode.Usage, "%s", msg)
}

// RunAttached runs the sandbox name of file attached to the runner's
// streams (`sandbox run`), says on stderr when it was killed for memory
// or time, and ends with its exit code.
func (r *Runner) RunAttached(file, name string, args []string, load config.Options) error {
	cfg, s, err := r.LoadOne([]string{file}, name, "run", load)
	phase.Mark("load the configuration")
	if err != nil {
		return err
	}
	res, err := r.Run("run", cfg, s, args)
	if err != nil {
		return err
	}
	if res.OOMKilled || res.TimedOut || (res.Usage != nil && res.Usage.OOMKills > 0) {
		fmt.Fprintf(r.Stderr, "sandbox: %s: %s\n", res.Name, res.Describe())
	}
	if res.ExitCode != 0 {
		return exitcode.Code(res.ExitCode)
	}
	return nil
}
