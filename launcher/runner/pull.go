package runner

import (
	"fmt"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// Pull brings the images of sbs into the store (`sandbox pull`), naming
// on stdout each image with its digest and layers; with update, a moved
// tag is taken and recorded in the lock file.
func (r *Runner) Pull(sbs []*config.Sandbox, update bool) error {
	var withImage []*config.Sandbox
	for _, s := range sbs {
		if s.Image != nil {
			withImage = append(withImage, s)
		}
	}
	if len(withImage) == 0 {
		fmt.Fprintln(r.Stdout, "no sandbox has an image: nothing to pull")
		return nil
	}
	roots, err := r.PrepareRootsWith(withImage, launcher.PrepareOptions{UpdateLock: update, CheckImages: true})
	if err != nil {
		return err
	}
	for _, s := range withImage {
		p := roots[s]
		p.Lease.Close()
		fmt.Fprintf(r.Stdout, "%s: %s %s (%d layers)\n", s.Name, s.Image, p.Image.Digest, len(p.Image.Layers))
	}
	return nil
}
