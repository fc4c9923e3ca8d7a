package state

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hclsandbox/sandbox/internal/exitcode"
)

// FromEnv is where sandbox records live: $SANDBOX_RUN, or /run/sandbox for
// root. Another user's records go to $XDG_RUNTIME_DIR/sandbox, or to
// sandbox-UID in the temp directory: /run/sandbox is root's. lookupEnv
// reads the caller's environment; nil reads none.
func FromEnv(lookupEnv func(string) (string, bool)) Dir {
	if lookupEnv == nil {
		lookupEnv = func(string) (string, bool) { return "", false }
	}
	if d, ok := lookupEnv("SANDBOX_RUN"); ok && d != "" {
		return Dir{Root: d}
	}
	uid := os.Geteuid()
	if uid == 0 {
		return Dir{Root: DefaultStateDir}
	}
	if d, ok := lookupEnv("XDG_RUNTIME_DIR"); ok && d != "" {
		return Dir{Root: filepath.Join(d, "sandbox")}
	}
	return Dir{Root: filepath.Join(os.TempDir(), fmt.Sprintf("sandbox-%d", uid))}
}

// NoSandbox is the error for a name that has no state directory: it says
// where it looked and lists the names that are there.
func (d Dir) NoSandbox(verb, name string) error {
	names, _ := d.Names()
	if len(names) == 0 {
		return exitcode.Errorf(exitcode.InvalidConfig, "%s: no sandbox named %q in %s; no sandbox is recorded there%s", verb, name, d.where(), d.elsewhereHint(name))
	}
	return exitcode.Errorf(exitcode.InvalidConfig, "%s: no sandbox named %q in %s; there are: %s%s", verb, name, d.where(), strings.Join(names, ", "), d.elsewhereHint(name))
}

// StopAll stops the named sandboxes, or all recorded ones, in parallel
// (`sandbox stop`): each name stopped on stdout, each failure on stderr,
// which ends the command with 125.
func (d Dir) StopAll(stdout, stderr io.Writer, names []string, all bool, o StopOptions) error {
	for _, name := range names {
		if err := CheckName(name); err != nil {
			return exitcode.Errorf(exitcode.Usage, "stop: %v", err)
		}
	}
	if all {
		sts, err := d.Statuses(time.Now())
		if err != nil {
			return exitcode.Errorf(exitcode.Setup, "stop: %v", err)
		}
		for _, s := range sts {
			names = append(names, s.Name)
		}
	}
	var mu sync.Mutex
	failed := false
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Go(func() {
			err := d.Stop(context.Background(), name, o)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				fmt.Fprintf(stderr, "sandbox: %v%s\n", err, d.notRunningHint(name, err))
				failed = true
				return
			}
			fmt.Fprintf(stdout, "%s\n", name)
		})
	}
	wg.Wait()
	if failed {
		return exitcode.Code(exitcode.Setup)
	}
	return nil
}

// notRunningHint is what to say after "not running": for a name that is
// more likely a configuration file, that stop takes names; for one that
// another project has, which.
func (d Dir) notRunningHint(name string, err error) string {
	switch {
	case !errors.Is(err, ErrNotRunning):
		return ""
	case strings.HasSuffix(name, ".hcl"):
		return fmt.Sprintf(" (stop takes sandbox names: 'sandbox down %s' stops the project's sandboxes and removes them, 'sandbox stop --all' stops them)", name)
	}
	return d.elsewhereHint(name)
}

// Logs prints a detached sandbox's log to w (`sandbox logs`): its last
// tail lines (all when tail < 0), then, with follow, what it writes until
// it ends.
func (d Dir) Logs(w io.Writer, name string, tail int, follow bool) error {
	dir, err := d.Dir(name)
	if err != nil {
		return exitcode.Errorf(exitcode.Usage, "logs: %v", err)
	}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return d.NoSandbox("logs", name)
	}
	if _, err := os.Stat(filepath.Join(dir, LogFile)); err != nil {
		return exitcode.Errorf(exitcode.InvalidConfig, "no log for sandbox %s (only sandboxes started with up -d have one)", name)
	}
	offset, err := Tail(dir, tail, w)
	if err != nil || !follow {
		return logsErr(err)
	}
	running := func() bool {
		r, err := d.Read(name)
		return err == nil && r.Live()
	}
	return logsErr(Follow(context.Background(), dir, offset, w, running))
}

func logsErr(err error) error {
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "logs: %v", err)
	}
	return nil
}
