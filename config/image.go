package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Image transports: where the image attribute takes an image from.
const (
	// ImageRegistry is a reference to a registry: "ghcr.io/org/base:1.4",
	// "debian:12", "docker://alpine", "repo@sha256:...".
	ImageRegistry = "registry"
	// ImageOCILayout is an OCI image layout directory: "oci:PATH[:NAME]".
	ImageOCILayout = "oci"
	// ImageDockerArchive is a `docker save` archive: "docker-archive:PATH[:REPO:TAG]".
	ImageDockerArchive = "docker-archive"
)

// ImageSource is the image a sandbox's root filesystem comes from.
type ImageSource struct {
	// Transport is ImageRegistry, ImageOCILayout or ImageDockerArchive.
	Transport string
	// Ref is the registry reference as written, or the absolute path of the
	// layout directory or archive.
	Ref string
	// Name selects one image of a layout (its org.opencontainers.image.ref.name
	// annotation) or of an archive (a REPO:TAG); "" means the only one.
	Name string
}

// String is the source in the form the image attribute takes, with an
// absolute path: the lock file records it.
func (i *ImageSource) String() string {
	if i.Transport == ImageRegistry {
		return i.Ref
	}
	s := i.Transport + ":" + i.Ref
	if i.Name != "" {
		s += ":" + i.Name
	}
	return s
}

// registryRef is the grammar of a registry reference: an optional
// registry host (with a port), a path of lowercase components, a tag,
// a digest. The registry client parses it again in full when it pulls.
var registryRef = newLazyRegexp(`^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?|\[[0-9a-fA-F:]+\](?::[0-9]+)?)/)?` +
	`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*` +
	`(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$`)

// decodeImage decodes the image attribute, which excludes rootfs.
func decodeImage(s *Sandbox, content *hcl.BodyContent, ctx *hcl.EvalContext) hcl.Diagnostics {
	a, ok := content.Attributes["image"]
	if !ok {
		return nil
	}
	v, ok, diags := stringValue(a, ctx)
	if !ok || diags.HasErrors() {
		return diags
	}
	if d := checkNotEmpty(v, a); d.HasErrors() {
		return d
	}
	src, err := parseImage(v, s.Dir)
	if err != nil {
		return invalid(a, "Invalid image", "%q is not an image: %s.", v, err)
	}
	s.Image = src
	if r, set := content.Attributes["rootfs"]; set {
		return invalid(r, "Image and rootfs", "The root filesystem already comes from the image at line %d; give either image or rootfs.", a.Range.Start.Line)
	}
	if b := content.Blocks.OfType("rootfs"); len(b) > 0 {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Image and rootfs",
			Detail:  fmt.Sprintf("The root filesystem already comes from the image at line %d; give either image or rootfs.", a.Range.Start.Line),
			Subject: b[0].DefRange.Ptr()}}
	}
	return nil
}

// parseImage reads an image attribute's value; paths resolve against dir.
func parseImage(v, dir string) (*ImageSource, error) {
	for _, t := range []string{ImageOCILayout, ImageDockerArchive} {
		rest, ok := strings.CutPrefix(v, t+":")
		if !ok {
			continue
		}
		path, name, _ := strings.Cut(rest, ":")
		if path == "" {
			return nil, fmt.Errorf("%s: needs a path, as in %s:./image", t, t)
		}
		return &ImageSource{Transport: t, Ref: resolvePath(dir, path), Name: name}, nil
	}
	ref := strings.TrimPrefix(v, "docker://")
	if len(ref) > 255+72 || !registryRef.MatchString(ref) {
		return nil, fmt.Errorf(`give a registry reference ("ghcr.io/org/base:1.4", "debian:12", "repo@sha256:..."), oci:PATH[:NAME] or docker-archive:PATH[:REPO:TAG]`)
	}
	return &ImageSource{Transport: ImageRegistry, Ref: ref}, nil
}
