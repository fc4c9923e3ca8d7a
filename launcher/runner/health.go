package runner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/relay"
	"github.com/hclsandbox/sandbox/launcher/state"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// checkOutputMax is how much of a check's output its description keeps:
// the end of it, on one line.
const checkOutputMax = 200

// Check runs the health check h inside the running sandbox name as
// `sandbox exec` runs a command: its init starts it in all the
// sandbox's namespaces, its cgroup, with its capabilities, seccomp
// filter and user. A check that outlives h.Timeout is killed.
func (r *Runner) Check(name string, h *launcher.HealthPlan) supervise.Check {
	out := &relay.Tail{}
	x, err := launcher.Exec(r.State, name, launcher.ExecRequest{Args: h.Command, Stdout: out, Stderr: out})
	if err != nil {
		var stepErr *isolation.StepError
		if errors.As(err, &stepErr) { // not found (127), not executable (126)
			return supervise.Check{ExitCode: stepErr.ExitCode(), Output: oneLine([]string{stepErr.Error()})}
		}
		return supervise.Check{Err: err.Error()}
	}
	sigs := make(chan os.Signal, 1)
	var timedOut atomic.Bool
	t := time.AfterFunc(h.Timeout, func() {
		timedOut.Store(true)
		sigs <- syscall.SIGKILL
	})
	code, err := x.Wait(sigs)
	t.Stop()
	c := supervise.Check{ExitCode: code, Output: oneLine(out.Lines())}
	switch {
	case timedOut.Load():
		c.Timeout = h.Timeout
	case err != nil && code == 0:
		c.Err = err.Error()
	}
	return c
}

// oneLine joins lines with "; " and keeps the end of them, whole
// characters, with control characters (a terminal's escapes) as "?": the
// line is the launcher's own, and the sandbox must not be able to forge
// others in it.
func oneLine(lines []string) string {
	var parts []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	s := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(strings.Join(parts, "; "), "?"))
	if len(s) > checkOutputMax {
		cut := len(s) - checkOutputMax
		for cut < len(s) && !utf8.RuneStart(s[cut]) {
			cut++
		}
		s = "…" + s[cut:]
	}
	return s
}

// claimed is what health needs of a started sandbox: its claim, to
// record its health where `sandbox ps` reads it, and, detached, its log.
type claimed struct {
	claim *state.Claim
	log   io.Writer
}

// noteClaim keeps the claim (and log) of a started sandbox; the returned
// release forgets them before release does the rest.
func (r *Runner) noteClaim(name string, c claimed, release func()) func() {
	r.claims.Store(name, c)
	return func() {
		r.claims.CompareAndDelete(name, c)
		release()
	}
}

// NoteHealth records u's health in its record: a Hooks.Health. A
// detached sandbox that became unhealthy also gets the line in its log,
// since nobody reads the supervisor's stderr once up -d has returned.
func (r *Runner) NoteHealth(u *supervise.Unit) {
	v, ok := r.claims.Load(u.Name())
	if !ok {
		return
	}
	c := v.(claimed)
	c.claim.NoteHealth(u.Health)
	if c.log != nil && u.Health == supervise.HealthUnhealthy {
		fmt.Fprintf(c.log, "sandbox: %s: %s\n", u.Name(), HealthLine(u))
	}
}

// HealthLine is the status line of a health change: "healthy", or
// "unhealthy: ..." with the last check.
func HealthLine(u *supervise.Unit) string {
	if u.Health == supervise.HealthUnhealthy {
		return "unhealthy: last check " + u.LastCheck.String()
	}
	return u.Health
}
