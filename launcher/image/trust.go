package image

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// TrustedDir reports whether root may trust dir and what it holds: dir
// and every parent must be owned by root, and neither group nor others
// may write them, except a parent with the sticky bit (as /tmp), where
// others cannot move root's entries. It is the store's one such
// decision; for any other user, their own store is theirs and nothing is
// checked.
func TrustedDir(dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for p, first := abs, true; ; p, first = filepath.Dir(p), false {
		info, err := os.Lstat(p)
		if err != nil {
			return fmt.Errorf("check %s: %w", p, err)
		}
		st, ok := info.Sys().(*syscall.Stat_t)
		writable := info.Mode().Perm()&0o022 != 0 && (first || info.Mode()&os.ModeSticky == 0)
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			return fmt.Errorf("%s is a symlink: the image store must not be reached through one", p)
		case !ok || st.Uid != 0 || writable:
			return fmt.Errorf("image store %s is not safe for root: %s is owned by uid %d with mode %v", abs, p, st.Uid, info.Mode())
		}
		if p == "/" {
			return nil
		}
	}
}
