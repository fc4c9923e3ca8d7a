package image

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/hclsandbox/sandbox/config"
)

// resolved is a source resolved to one image of the host's platform.
type resolved struct {
	digest, platform string
	img              v1.Image
	// uncompressed: the layers are read as tar streams (an archive).
	uncompressed bool
}

// refName is the annotation that names an image of a layout.
const refName = "org.opencontainers.image.ref.name"

// current returns the digest src names now, as a lock file pins it,
// reading as little as it can: a HEAD request for a registry.
func (s *Store) current(ctx context.Context, src *config.ImageSource) (string, error) {
	switch src.Transport {
	case config.ImageRegistry:
		var d *v1.Descriptor
		err := s.eachMirror(src.Ref, func(ref name.Reference) (err error) {
			d, err = remote.Head(ref, s.remoteOptions(ctx)...)
			return err
		})
		if err != nil {
			return "", err
		}
		return d.Digest.String(), nil
	case config.ImageOCILayout:
		_, desc, err := layoutEntry(src)
		if err != nil {
			return "", err
		}
		return desc.Digest.String(), nil
	}
	img, err := archiveImage(src)
	if err != nil {
		return "", err
	}
	id, err := img.ConfigName()
	return id.String(), err
}

// resolve reads src's manifest (and index) and returns its image for
// the host's platform; digest, when not "", is the digest to resolve
// instead of a registry tag.
func (s *Store) resolve(ctx context.Context, src *config.ImageSource, digest string) (*resolved, error) {
	switch src.Transport {
	case config.ImageRegistry:
		return s.resolveRemote(ctx, src.Ref, digest)
	case config.ImageOCILayout:
		return resolveLayout(src)
	}
	img, err := archiveImage(src)
	if err != nil {
		return nil, err
	}
	id, err := img.ConfigName()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", src.Ref, err)
	}
	return &resolved{digest: id.String(), img: img, uncompressed: true}, nil
}

func (s *Store) resolveRemote(ctx context.Context, ref, digest string) (*resolved, error) {
	var r *resolved
	err := s.eachMirror(ref, func(nref name.Reference) error {
		if digest != "" {
			nref = nref.Context().Digest(digest)
		}
		desc, err := remote.Get(nref, s.remoteOptions(ctx)...)
		if err != nil {
			return err
		}
		img, err := desc.Image()
		if err != nil {
			return fmt.Errorf("image for %s/%s: %w", HostPlatform().OS, HostPlatform().Architecture, err)
		}
		r = &resolved{digest: desc.Digest.String(), img: img}
		if desc.MediaType.IsIndex() {
			h, err := img.Digest()
			if err != nil {
				return err
			}
			r.platform = h.String()
		}
		return nil
	})
	return r, err
}

// remoteOptions are the registry client's options: the user's Docker
// credentials and credential helpers, the host's platform, ctx.
func (s *Store) remoteOptions(ctx context.Context) []remote.Option {
	return []remote.Option{
		remote.WithContext(ctx),
		remote.WithAuthFromKeychain(authn.DefaultKeychain),
		remote.WithPlatform(HostPlatform()),
		remote.WithUserAgent("sandbox"),
	}
}

// MirrorsEnv lists registry mirrors: "REGISTRY=MIRROR[,REGISTRY=MIRROR...]",
// "docker.io=mirror.example:5000". A mirror is tried before its registry;
// what it serves is checked against the same digests.
const MirrorsEnv = "SANDBOX_REGISTRY_MIRRORS"

// eachMirror calls try with ref on each mirror of its registry, then on
// the registry itself, until one succeeds; the last error is returned.
func (s *Store) eachMirror(ref string, try func(name.Reference) error) error {
	nref, err := name.ParseReference(ref)
	if err != nil {
		return fmt.Errorf("image %s: %w", ref, err)
	}
	var errs []error
	for _, m := range mirrors(nref.Context().RegistryStr()) {
		repo, err := name.NewRepository(m + "/" + nref.Context().RepositoryStr())
		if err == nil {
			mref := name.Reference(repo.Tag(nref.Identifier()))
			if strings.HasPrefix(nref.Identifier(), "sha256:") {
				mref = repo.Digest(nref.Identifier())
			}
			if err = try(mref); err == nil {
				return nil
			}
		}
		errs = append(errs, fmt.Errorf("mirror %s: %w", m, err))
	}
	if err := try(nref); err != nil {
		return errors.Join(append(errs, err)...)
	}
	return nil
}

// mirrors are the mirrors of registry that MirrorsEnv names.
func mirrors(registry string) []string {
	var out []string
	for _, pair := range strings.Split(os.Getenv(MirrorsEnv), ",") {
		reg, m, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if reg == "docker.io" {
			reg = name.DefaultRegistry
		}
		if ok && reg == registry && m != "" {
			out = append(out, m)
		}
	}
	return out
}

// IsUnreachable reports whether err means that a registry could not be
// reached at all (as opposed to an answer that refused or did not match).
func IsUnreachable(err error) bool {
	var netErr net.Error
	var urlErr *url.Error
	var opErr *net.OpError
	return errors.As(err, &opErr) || errors.As(err, &netErr) || errors.As(err, &urlErr)
}

// layoutEntry opens an OCI image layout and picks the entry src names.
func layoutEntry(src *config.ImageSource) (v1.ImageIndex, *v1.Descriptor, error) {
	p, err := layout.FromPath(src.Ref)
	if err != nil {
		return nil, nil, fmt.Errorf("open OCI layout %s: %w", src.Ref, err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		return nil, nil, fmt.Errorf("open OCI layout %s: %w", src.Ref, err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, nil, fmt.Errorf("read %s/index.json: %w", src.Ref, err)
	}
	var names []string
	for i, d := range m.Manifests {
		n := d.Annotations[refName]
		if n == src.Name || src.Name == "" && len(m.Manifests) == 1 {
			return idx, &m.Manifests[i], nil
		}
		names = append(names, fmt.Sprintf("%q", n))
	}
	if src.Name == "" {
		return nil, nil, fmt.Errorf("OCI layout %s holds %d images (%s): name one, oci:%s:NAME", src.Ref, len(names), strings.Join(names, ", "), src.Ref)
	}
	return nil, nil, fmt.Errorf("OCI layout %s has no image named %q (it has %s)", src.Ref, src.Name, strings.Join(names, ", "))
}

// resolveLayout picks the image of a layout, and the host's platform of
// an index; it checks every manifest it reads against its digest, as the
// layout's files are read unchecked.
func resolveLayout(src *config.ImageSource) (*resolved, error) {
	idx, desc, err := layoutEntry(src)
	if err != nil {
		return nil, err
	}
	r := &resolved{digest: desc.Digest.String()}
	if desc.MediaType.IsIndex() {
		child, err := idx.ImageIndex(desc.Digest)
		if err != nil {
			return nil, fmt.Errorf("OCI layout %s: %w", src.Ref, err)
		}
		if err := checkDigest(child, desc.Digest); err != nil {
			return nil, err
		}
		if idx, desc, err = platformOf(child); err != nil {
			return nil, fmt.Errorf("OCI layout %s: %w", src.Ref, err)
		}
		r.platform = desc.Digest.String()
	}
	if r.img, err = idx.Image(desc.Digest); err != nil {
		return nil, fmt.Errorf("OCI layout %s: %w", src.Ref, err)
	}
	return r, checkDigest(r.img, desc.Digest)
}

// platformOf picks the host platform's manifest of an index.
func platformOf(idx v1.ImageIndex) (v1.ImageIndex, *v1.Descriptor, error) {
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, nil, err
	}
	want := HostPlatform()
	for i, d := range m.Manifests {
		if d.Platform != nil && d.Platform.Satisfies(want) && d.MediaType.IsImage() {
			return idx, &m.Manifests[i], nil
		}
	}
	return nil, nil, fmt.Errorf("no image for %s/%s in the index", want.OS, want.Architecture)
}

// checkDigest checks that a manifest read from a file has its digest.
func checkDigest(m partial.WithRawManifest, want v1.Hash) error {
	raw, err := m.RawManifest()
	if err != nil {
		return err
	}
	if got := sha256.Sum256(raw); "sha256:"+hex.EncodeToString(got[:]) != want.String() {
		return fmt.Errorf("manifest %s does not match its digest: got sha256:%x", want, got)
	}
	return nil
}

// archiveImage opens the image of a `docker save` archive.
func archiveImage(src *config.ImageSource) (v1.Image, error) {
	var tag *name.Tag
	if src.Name != "" {
		t, err := name.NewTag(src.Name)
		if err != nil {
			return nil, fmt.Errorf("image %s in %s: %w", src.Name, src.Ref, err)
		}
		tag = &t
	}
	img, err := tarball.ImageFromPath(src.Ref, tag)
	if err != nil {
		return nil, fmt.Errorf("open docker archive %s: %w", src.Ref, err)
	}
	return img, nil
}
