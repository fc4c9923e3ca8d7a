package launcher

import (
	"context"
	"errors"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// TestStartNeedsClaimAndLiveContext: Start refuses to run a plan without
// the claim of its name, and does nothing once its context has ended.
func TestStartNeedsClaimAndLiveContext(t *testing.T) {
	p := NewPlan(&config.Sandbox{Name: "noclaim", Command: []string{"/bin/true"}, Namespaces: config.Namespaces}, testHost)
	if proc, err := Start(context.Background(), p, Stdio{}, nil); proc != nil || !errors.Is(err, ErrNoClaim) {
		t.Errorf("Start(no claim) = %v, %v; want ErrNoClaim", proc, err)
	}
	c, err := Claim(context.Background(), state.Dir{Root: t.TempDir()}, p, false)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if proc, err := Start(ctx, p, Stdio{}, c); proc != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("Start(ended context) = %v, %v; want context.Canceled", proc, err)
	}
}
