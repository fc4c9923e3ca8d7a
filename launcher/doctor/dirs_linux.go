package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/hclsandbox/sandbox/internal/safepath"
	"github.com/hclsandbox/sandbox/launcher/state"
	"golang.org/x/sys/unix"
)

// DirChecks says whether the launcher's directories are safe for the
// current user (root, normally): home ($SANDBOX_HOME: the cached child,
// unpacked tarballs) and run ($SANDBOX_RUN: the records). Each must be
// changeable by no one else, nor any directory above it; a missing one
// is fine when what is above it is safe, since it will be made 0700.
func DirChecks(home, run string) []Check {
	runCheck := dirCheck("SANDBOX_RUN", run)
	if runCheck.OK {
		runCheck.Detail += runFilesystem(run)
	}
	return []Check{dirCheck("SANDBOX_HOME", home), runCheck}
}

// runFilesystem says what the records' directory, or the nearest one
// above it that exists, is on: memory, as /run should be, or a disk,
// where records outlive a reboot and each start's files cost the
// filesystem's inode search (state.Dir.PrepareRoot).
func runFilesystem(dir string) string {
	var fs unix.Statfs_t
	for unix.Statfs(dir, &fs) != nil {
		if dir == filepath.Dir(dir) {
			return ""
		}
		dir = filepath.Dir(dir)
	}
	if state.InMemory(fs) {
		return "; in memory (tmpfs)"
	}
	note := fmt.Sprintf("; on a disk filesystem (%#x): records outlive a reboot, and each start makes and removes files on it", fs.Type)
	if dir == state.DefaultStateDir {
		note += "; run or up mounts a tmpfs here only when making it, empty, from the host's mount namespace"
	}
	return note
}

func dirCheck(name, dir string) Check {
	c := Check{Name: name}
	err := safepath.Check(dir)
	switch {
	case err == nil:
		c.OK, c.Detail = true, fmt.Sprintf("%s: safe for %s: no one else can change it or a directory above it", dir, whom())
	case errors.Is(err, fs.ErrNotExist):
		c.OK, c.Detail = true, fmt.Sprintf("%s: not made yet; the directories above it are safe for %s", dir, whom())
	default:
		c.Detail = err.Error()
	}
	if err == nil {
		if info, serr := os.Stat(dir); serr == nil && ownerUID(info) != os.Geteuid() {
			c.OK, c.Detail = false, fmt.Sprintf("%s belongs to uid %d, not to %s", dir, ownerUID(info), whom())
		}
	}
	return c
}

// whom is "root" or "this user".
func whom() string {
	if os.Geteuid() == 0 {
		return "root"
	}
	return "this user"
}

// ownerUID is the owner of info's file, or -1.
func ownerUID(info os.FileInfo) int {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}
