//go:build !linux

package expect

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// readBeneath opens rel beneath root, refusing a symlink on the way. Off
// Linux the check and the open are separate steps; sandboxes run on Linux
// only, so nothing writes there meanwhile.
func readBeneath(root, rel string) ([]byte, error) {
	p := root
	for _, part := range strings.Split(rel, "/") {
		p = filepath.Join(p, part)
		info, err := os.Lstat(p)
		if err != nil {
			return nil, err
		}
		if info.Mode()&os.ModeSymlink != 0 {
			return nil, fmt.Errorf("%s: a symlink on the way, not followed", p)
		}
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	return readFrom(f)
}
