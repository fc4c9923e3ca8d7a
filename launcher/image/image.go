package image

import (
	"runtime"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Image is an image the store holds whole, ready to become a root.
type Image struct {
	// Source is the image attribute it was resolved from, with an
	// absolute path.
	Source string `json:"source"`
	// Digest is what a lock file pins: the digest of the manifest or
	// index the source names (a registry tag or a layout's entry), or, for
	// a `docker save` archive, which has neither, of the configuration.
	Digest string `json:"digest"`
	// Platform is the digest of the host platform's manifest when Digest
	// names an index, else "".
	Platform string `json:"platform,omitempty"`
	// ID is the digest of the image's configuration.
	ID string `json:"id"`
	// Layers are the unpacked layer directories, bottom first.
	Layers []string `json:"layers"`
	// UserXattr is set when the layers mark opaque directories in the
	// user.overlay.* form (an unprivileged store).
	UserXattr bool `json:"userxattr,omitempty"`
	// Config is what the image's configuration says a container runs.
	Config Config `json:"config"`
}

// Config is the part of an image's configuration a sandbox takes as
// defaults.
type Config struct {
	Env          []string `json:"env,omitempty"`
	Entrypoint   []string `json:"entrypoint,omitempty"`
	Cmd          []string `json:"cmd,omitempty"`
	WorkingDir   string   `json:"working_dir,omitempty"`
	User         string   `json:"user,omitempty"`
	ExposedPorts []string `json:"exposed_ports,omitempty"`
}

// configOf takes the defaults out of an image configuration.
func configOf(cf *v1.ConfigFile) Config {
	c := cf.Config
	out := Config{Env: c.Env, Entrypoint: c.Entrypoint, Cmd: c.Cmd, WorkingDir: c.WorkingDir, User: c.User}
	for p := range c.ExposedPorts {
		out.ExposedPorts = append(out.ExposedPorts, p)
	}
	sort.Strings(out.ExposedPorts)
	return out
}

// HostPlatform is the platform pulled from a multi-platform image: Linux
// on the launcher's own architecture.
func HostPlatform() v1.Platform {
	p := v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
	if runtime.GOARCH == "arm" {
		p.Variant = "v7"
	}
	return p
}

// ShortDigest is the first 12 hex digits of a digest, for people.
func ShortDigest(d string) string {
	d = strings.TrimPrefix(d, "sha256:")
	if len(d) > 12 {
		return d[:12]
	}
	return d
}
