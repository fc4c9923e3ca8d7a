package mapped

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/hclsandbox/sandbox/config"
)

// Maps are the uid and gid maps of a user namespace, as written to
// /proc/PID/uid_map and gid_map.
type Maps struct {
	UID, GID []config.IDMap
}

// Key is a short name of the maps, for cache entries: a tree made under
// one mapping is never taken for one made under another.
func (m *Maps) Key() string {
	h := sha256.Sum256([]byte(m.String()))
	return hex.EncodeToString(h[:6])
}

// String lists the maps as uid INSIDE:OUTSIDE:COUNT...; gid ....
func (m *Maps) String() string {
	return "uid " + lines(m.UID) + "; gid " + lines(m.GID)
}

func lines(m []config.IDMap) string {
	var out []string
	for _, l := range m {
		out = append(out, fmt.Sprintf("%d:%d:%d", l.Inside, l.Outside, l.Count))
	}
	return strings.Join(out, ",")
}
