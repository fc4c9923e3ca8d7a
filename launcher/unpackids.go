package launcher

import (
	"os"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/image"
	"github.com/hclsandbox/sandbox/launcher/mapped"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// unpackIDs are the maps an unprivileged launcher unpacks s's tarball in:
// those s's sandbox gets when newuidmap and newgidmap write them (the
// caller's subordinate ranges, or a uid_map and gid_map within them), so
// the archive's owners show unchanged inside. Nil for root, who keeps
// owners as they are, and for a caller who may map only its own id, whose
// unpack cannot keep them.
func unpackIDs(s *config.Sandbox) *mapped.Maps {
	euid := os.Geteuid()
	if euid == 0 {
		return nil
	}
	ids, err := state.SubIDSource{}.CallerSubIDs(euid)
	if err != nil {
		return nil
	}
	h := &Host{EUID: euid, EGID: os.Getegid(), SubIDs: ids}
	p := &Plan{}
	planRootlessMaps(p, s, h)
	if !p.SubIDMaps || p.IDMapError != "" {
		return nil
	}
	return &mapped.Maps{UID: p.UIDMap, GID: p.GIDMap}
}

// NewImageStore is the image store under home as this launcher uses it:
// started without root by a user with subordinate ranges, it unpacks and
// removes layers in a user namespace with the maps a sandbox of that user
// gets when its file sets none, so that the layers' owners are kept.
func NewImageStore(home string) *image.Store {
	s := image.NewStore(home)
	s.IDs = unpackIDs(&config.Sandbox{})
	return s
}
