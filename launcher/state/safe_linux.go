package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/hclsandbox/sandbox/internal/safepath"
	"golang.org/x/sys/unix"
)

// check refuses a state directory that someone else could change: root
// acts on its records (signals pids, removes cgroups and mounts), so the
// directory and every directory above it must pass safepath, and the
// directory must be this user's. With mk, missing directories are made
// (0700); without it, a missing directory is fine: it holds no records.
func (d Dir) check(mk bool) error {
	open := safepath.Open
	if mk {
		d.PrepareRoot()
		open = func(p string) (*safepath.Dir, error) { return safepath.MkdirAll(p, 0o700) }
	}
	sd, err := open(d.Home())
	if !mk && errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("state dir: %w; set SANDBOX_RUN to a directory that only %s can change", err, whom())
	}
	defer sd.Close()
	var st unix.Stat_t
	if err := unix.Fstat(sd.Fd(), &st); err != nil {
		return fmt.Errorf("state dir %s: %w", d.Home(), err)
	}
	if int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("state dir %s belongs to uid %d, not to this user; set SANDBOX_RUN to one of %s", d.Home(), st.Uid, whom())
	}
	return nil
}

// whom is "root" or "this user".
func whom() string {
	if os.Geteuid() == 0 {
		return "root"
	}
	return "this user"
}
