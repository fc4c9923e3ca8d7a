package launcher

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher/image"
)

// PlanImage is the image a sandbox's root filesystem comes from, as a
// plan shows it.
type PlanImage struct {
	// Source is the image attribute, with an absolute path.
	Source string `json:"source"`
	// Digest, Platform and ID are the resolved image (see image.Image);
	// empty while the store does not hold it.
	Digest   string `json:"digest,omitempty"`
	Platform string `json:"platform,omitempty"`
	ID       string `json:"id,omitempty"`
	// Layers is the number of overlay lower layers.
	Layers int `json:"layers,omitempty"`
	// FromImage names what the image's configuration gave because the
	// configuration left it out: "command", "workdir", "user", "env.NAME".
	FromImage []string `json:"from_image,omitempty"`
	// ExposedPorts are the ports the image declares ("80/tcp"); a sandbox
	// publishes a port only through its ports attribute.
	ExposedPorts []string `json:"exposed_ports,omitempty"`
}

// NewImagePlan is NewPlan for a sandbox whose image the store holds: the
// root is an overlay of the image's layers and the image's configuration
// fills what the sandbox leaves out. With img nil it is NewPlan: an image
// sandbox's plan then shows the source only, and Start refuses it.
func NewImagePlan(s *config.Sandbox, h *Host, img *image.Image) *Plan {
	eff, from := withImageDefaults(s, img)
	p := NewPlan(eff, h)
	if s.Image == nil || img == nil {
		return p
	}
	p.Image.FromImage = from
	p.Image.Digest, p.Image.Platform, p.Image.ID = img.Digest, img.Platform, img.ID
	p.Image.Layers, p.Image.ExposedPorts = len(img.Layers), img.Config.ExposedPorts
	p.Spec.Root = imageRoot(s, img)
	return p
}

// imageRoot is an overlay of the image's layers, writes to a tmpfs. The
// store made the layers, so no part of their paths is distrusted.
func imageRoot(s *config.Sandbox, img *image.Image) isolation.Root {
	n := len(img.Layers)
	r := isolation.Root{Source: img.Layers[n-1], Overlay: true, Flags: rootFlags(s), UserXattr: img.UserXattr}
	for i := n - 2; i >= 0; i-- {
		r.Lower = append(r.Lower, img.Layers[i])
	}
	return r
}

// withImageDefaults returns s with what it leaves out taken from the
// image's configuration (Entrypoint and Cmd for the command, Env under
// its own env, WorkingDir, User), and the names of what was taken.
func withImageDefaults(s *config.Sandbox, img *image.Image) (*config.Sandbox, []string) {
	if s.Image == nil || img == nil {
		return s, nil
	}
	eff := *s
	c := img.Config
	var from []string
	if len(s.Command) == 0 {
		eff.Command = append(slices.Clone(c.Entrypoint), c.Cmd...)
		from = append(from, "command")
	}
	if s.Workdir == "" && c.WorkingDir != "" {
		eff.Workdir, from = c.WorkingDir, append(from, "workdir")
	}
	if s.Security.User == "" && c.User != "" {
		eff.Security.User, from = c.User, append(from, "user")
	}
	eff.Env = map[string]string{}
	var fromEnv []string
	for _, kv := range c.Env {
		k, v, _ := strings.Cut(kv, "=")
		if _, own := s.Env[k]; !own && k != "" {
			eff.Env[k] = v
			fromEnv = append(fromEnv, "env."+k)
		}
	}
	for k, v := range s.Env {
		eff.Env[k] = v
	}
	sort.Strings(fromEnv)
	return &eff, append(from, fromEnv...)
}

// imageReady refuses the plan of an image sandbox whose image the store
// did not give it: its root would be nothing.
func (p *Plan) imageReady() error {
	if p.Image != nil && p.Image.ID == "" {
		return fmt.Errorf("%s: image %s is not in the store: pull it first", p.Name, p.Image.Source)
	}
	return nil
}
