package launcher

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"

	"github.com/hclsandbox/sandbox/launcher/state"
)

// PlanDigest is the sha256 of the plan's JSON form, as its files decide it
// (fileOnly).
func PlanDigest(p *Plan) string {
	b, _ := json.Marshal(fileOnly(p))
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// fileOnly is p without what the host's state of the moment decides
// rather than its files: whether this start turns the host's IPv4
// forwarding on. The first start of a network turns it on and the next
// finds it on; the plan is the same, and up -d must not recreate it.
func fileOnly(p *Plan) *Plan {
	n := p.Network
	if n == nil || !n.TurnOnForwarding && !n.KeepForwarding && n.ForwardError == "" {
		return p
	}
	c, cn := *p, *n
	cn.TurnOnForwarding, cn.KeepForwarding, cn.ForwardError = false, false, ""
	c.Network = &cn
	return &c
}

// Claim locks p's name in d for a sandbox this process is about to run
// (state.Dir.Claim), recording what its plan says: the plan's digest and
// file, its init, how it stops, the host paths it can write, and a
// health check's first state.
func Claim(ctx context.Context, d state.Dir, p *Plan, detached bool) (*state.Claim, error) {
	return d.Claim(ctx, record(p, detached, ""))
}

// Renew makes c, the claim of a run of p's name that has ended, the claim
// of p's next run (state.Claim.Renew), with the record Claim would write.
// digest is PlanDigest(p) when the caller knows it, or "".
func Renew(ctx context.Context, c *state.Claim, p *Plan, detached bool, digest string) error {
	return c.Renew(ctx, record(p, detached, digest))
}

// record is the first record of a run of p, whose digest, unless given,
// it computes.
func record(p *Plan, detached bool, digest string) state.Record {
	if digest == "" {
		digest = PlanDigest(p)
	}
	file, _ := filepath.Abs(p.File)
	sig, timeout := p.Stop()
	health := ""
	if p.Health != nil {
		health = "starting" // until a check passes (launcher/supervise)
	}
	return state.Record{
		Name: p.Name, PlanDigest: digest, ConfigFile: file, Detached: detached,
		Init: p.Spec.Init, StopSignal: signalName(sig), StopTimeout: timeout, Writable: p.WritablePaths(),
		Health: health,
	}
}
