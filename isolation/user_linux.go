package isolation

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// identity is a resolved user: ids and supplementary groups.
type identity struct {
	uid, gid int
	groups   []int
}

// resolveUser turns "UID", "UID:GID", "NAME" or "NAME:GROUP" into ids, using
// the sandbox's own /etc/passwd and /etc/group (the process is already in
// the new root). A numeric user missing from passwd gets gid 0, as Docker does.
func resolveUser(spec string) (*identity, error) {
	userPart, groupPart, hasGroup := strings.Cut(spec, ":")
	id := &identity{}
	name := ""
	if n, err := strconv.Atoi(userPart); err == nil {
		id.uid = n
		if e, ok := lookupPasswd(func(f []string) bool { return f[2] == userPart }); ok {
			name, id.gid = e[0], atoi(e[3])
		}
	} else {
		e, ok := lookupPasswd(func(f []string) bool { return f[0] == userPart })
		if !ok {
			return nil, fmt.Errorf("no user %q in the sandbox's /etc/passwd", userPart)
		}
		name, id.uid, id.gid = e[0], atoi(e[2]), atoi(e[3])
	}
	if hasGroup {
		gid, err := resolveGroup(groupPart)
		if err != nil {
			return nil, err
		}
		id.gid = gid
	}
	id.groups = memberGroups(name, id.gid)
	return id, nil
}

func resolveGroup(g string) (int, error) {
	if n, err := strconv.Atoi(g); err == nil {
		return n, nil
	}
	e, ok := lookupFile("/etc/group", 3, func(f []string) bool { return f[0] == g })
	if !ok {
		return 0, fmt.Errorf("no group %q in the sandbox's /etc/group", g)
	}
	return atoi(e[2]), nil
}

// memberGroups is gid plus every group of /etc/group that lists name.
func memberGroups(name string, gid int) []int {
	out := []int{gid}
	if name == "" {
		return out
	}
	forEachLine("/etc/group", 4, func(f []string) bool {
		for _, m := range strings.Split(f[3], ",") {
			if m == name {
				if g := atoi(f[2]); g != gid {
					out = append(out, g)
				}
			}
		}
		return false
	})
	return out
}

func lookupPasswd(match func([]string) bool) ([]string, bool) {
	return lookupFile("/etc/passwd", 7, match)
}

// lookupFile returns the first colon-separated line of path with at least
// n fields that match accepts.
func lookupFile(path string, n int, match func([]string) bool) ([]string, bool) {
	var found []string
	forEachLine(path, n, func(f []string) bool {
		if match(f) {
			found = f
			return true
		}
		return false
	})
	return found, found != nil
}

func forEachLine(path string, n int, fn func([]string) bool) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) >= n && !strings.HasPrefix(fields[0], "#") && fn(fields) {
			return
		}
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// switchUser sets the groups, gid and uid of every thread of the process:
// the syscall package's setters, unlike x/sys/unix's, reach them all.
func switchUser(spec string) (*identity, *StepError) {
	step := "switch to user " + spec
	id, err := resolveUser(spec)
	if err != nil {
		return nil, &StepError{Step: step, Msg: err.Error()}
	}
	if err := syscall.Setgroups(id.groups); err != nil {
		return nil, stepErr(step+": setgroups", err)
	}
	if err := syscall.Setresgid(id.gid, id.gid, id.gid); err != nil {
		return nil, stepErr(step+": setresgid", err)
	}
	if err := syscall.Setresuid(id.uid, id.uid, id.uid); err != nil {
		return nil, stepErr(step+": setresuid", err)
	}
	return id, nil
}
