package launcher

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"

	"github.com/hclsandbox/sandbox/launcher/state"
)

// PlanDigest is the sha256 of the plan's JSON form.
func PlanDigest(p *Plan) string {
	b, _ := json.Marshal(p)
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Claim locks p's name in d for a sandbox this process is about to run
// (state.Dir.Claim), recording what its plan says: the plan's digest and
// file, its init, how it stops, the host paths it can write, and a
// health check's first state.
func Claim(ctx context.Context, d state.Dir, p *Plan, detached bool) (*state.Claim, error) {
	file, _ := filepath.Abs(p.File)
	sig, timeout := p.Stop()
	health := ""
	if p.Health != nil {
		health = "starting" // until a check passes (launcher/supervise)
	}
	return d.Claim(ctx, state.Record{
		Name: p.Name, PlanDigest: PlanDigest(p), ConfigFile: file, Detached: detached,
		Init: p.Spec.Init, StopSignal: signalName(sig), StopTimeout: timeout, Writable: p.WritablePaths(),
		Health: health,
	})
}
