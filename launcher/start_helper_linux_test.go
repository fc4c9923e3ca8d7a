package launcher

import (
	"context"
	"errors"
	"testing"

	"github.com/hclsandbox/sandbox/launcher/state"
)

// startPlan starts p under the claim of its name in a state directory of
// the test's own, released when the test ends.
func startPlan(t testing.TB, p *Plan, stdio Stdio) (*Process, *Result, error) {
	t.Helper()
	c, err := Claim(context.Background(), state.Dir{Root: t.TempDir()}, p, false)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(func() { c.Release() })
	return startUnder(p, stdio, c)
}

// startUnder is Start under c, with a setup failure returned as its
// Result, as the tests read it.
func startUnder(p *Plan, stdio Stdio, c *state.Claim) (*Process, *Result, error) {
	proc, err := Start(context.Background(), p, stdio, c)
	var failed *SetupFailed
	if errors.As(err, &failed) {
		return nil, failed.Result, nil
	}
	return proc, nil, err
}
