package state

import (
	"fmt"
	"os/exec"
	"sort"
	"strings"
)

// poolFloor is where AddUser looks for room first: above SUB_UID_MAX and
// SUB_GID_MAX of Debian's login.defs (600100000), so that the ranges
// useradd gives new users never meet it.
const poolFloor = 1 << 30

// AddUser makes the source's user (SubIDUser) a system user, unless it is
// one, and gives it a subordinate uid range and a gid range of size ids
// each, unless it has them. It uses the shadow suite's useradd and usermod,
// which lock and rewrite /etc/passwd, /etc/group, /etc/subuid and
// /etc/subgid as every other account tool does (under Root, with their
// --prefix, when it is set). It returns one line per change made.
func (s SubIDSource) AddUser(size uint32) ([]string, error) {
	var done []string
	prefix := []string{}
	if s.Root != "" {
		prefix = []string{"--prefix", s.Root}
	}
	if _, ok := lookupUID(s.path("passwd"), s.user()); !ok {
		args := append(prefix, "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
			"--shell", "/usr/sbin/nologin", "--comment", "owner of the sandboxes' subordinate ids", s.user())
		if err := runTool("useradd", args...); err != nil {
			return done, err
		}
		done = append(done, "created system user "+s.user())
	}
	var flags, added []string
	uid, _ := lookupUID(s.path("passwd"), s.user())
	for _, f := range []struct{ file, flag string }{{"subuid", "--add-subuids"}, {"subgid", "--add-subgids"}} {
		lines, _ := readSubIDs(s.path(f.file))
		if len(rangesOf(lines, s.user(), uid, size)) > 0 {
			continue
		}
		r, err := roomFor(s, size)
		if err != nil {
			return done, err
		}
		flags = append(flags, f.flag, r.String())
		added = append(added, fmt.Sprintf("gave user %s the %s range %s (%d ids)", s.user(), f.file, r, size))
	}
	if len(flags) == 0 {
		return done, nil
	}
	if err := runTool("usermod", append(append(prefix, flags...), s.user())...); err != nil {
		return done, err
	}
	return append(done, added...), nil
}

// roomFor finds size ids from poolFloor on, aligned to DefaultAutoIDs,
// that no range of /etc/subuid or /etc/subgid holds, whoever its owner.
func roomFor(s SubIDSource, size uint32) (IDRange, error) {
	var taken []IDRange
	for _, f := range []string{"subuid", "subgid"} {
		lines, _ := readSubIDs(s.path(f))
		for _, l := range lines {
			taken = append(taken, l.r)
		}
	}
	sort.Slice(taken, func(i, j int) bool { return taken[i].Start < taken[j].Start })
	next := uint64(poolFloor)
	for _, r := range taken {
		if r.end() > next && uint64(r.Start) < next+uint64(size) {
			next = (r.end() + DefaultAutoIDs - 1) / DefaultAutoIDs * DefaultAutoIDs
		}
	}
	if next+uint64(size) >= 1<<32-1 {
		return IDRange{}, fmt.Errorf("no room for %d subordinate ids above %d in %s and %s", size, poolFloor, s.path("subuid"), s.path("subgid"))
	}
	return IDRange{Start: uint32(next), Count: size}, nil
}

// runTool runs an account tool and returns its output in the error.
func runTool(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
