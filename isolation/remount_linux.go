package isolation

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// remountTree sets flags on the mount at p and on every mount below it,
// for kernels without mount_setattr(2) (before Linux 5.12), where a
// remount changes one mount only. p is a mount point or a /proc/self/fd
// link to one, and proc the /proc that this process sees itself in. Each
// remount keeps the flags its mount already has: in a user namespace the
// ones inherited from the host are locked, and a remount that drops them
// fails.
func remountTree(p, proc string, flags []string) error {
	real, err := os.Readlink(p)
	if err != nil {
		real = p // not a magic link: p names the mount point itself
	}
	mounts, err := mountsUnder(proc+"/thread-self/mountinfo", real)
	if err != nil {
		return err
	}
	for _, m := range mounts {
		bits := unix.MS_REMOUNT | unix.MS_BIND | flagBits(flags) | m.flags
		if err := unix.Mount("", m.point, "", bits, ""); err != nil {
			return fmt.Errorf("remount %s %s: %w", m.point, strings.Join(flags, ","), err)
		}
	}
	return nil
}

// mountPoint is one line of mountinfo: where, and its per-mount flags.
type mountPoint struct {
	point string
	flags uintptr
}

// perMountFlags are the per-mount options of mountinfo with their bits.
var perMountFlags = map[string]uintptr{
	"ro": unix.MS_RDONLY, "nosuid": unix.MS_NOSUID, "nodev": unix.MS_NODEV, "noexec": unix.MS_NOEXEC,
	"noatime": unix.MS_NOATIME, "nodiratime": unix.MS_NODIRATIME, "relatime": unix.MS_RELATIME,
}

// mountsUnder lists the mounts of mountinfo at or below dir, the top one
// of each mount point only, parents before their children.
func mountsUnder(mountinfo, dir string) ([]mountPoint, error) {
	b, err := os.ReadFile(mountinfo)
	if err != nil {
		return nil, err
	}
	var out []mountPoint
	at := map[string]int{} // mount point -> index in out
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		point := unescapeMountinfo(f[4])
		if point != dir && !strings.HasPrefix(point, strings.TrimSuffix(dir, "/")+"/") {
			continue
		}
		m := mountPoint{point: point}
		for _, o := range strings.Split(f[5], ",") {
			m.flags |= perMountFlags[o]
		}
		if i, seen := at[point]; seen {
			out[i] = m // stacked: a remount by path reaches the top one
			continue
		}
		at[point] = len(out)
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no mount at %s in mountinfo", dir)
	}
	return out, nil
}

// unescapeMountinfo undoes mountinfo's octal escapes of space, tab,
// newline and backslash.
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)
	return r.Replace(s)
}
