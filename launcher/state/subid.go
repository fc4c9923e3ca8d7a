package state

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// SubIDUser is the system user whose subordinate id ranges, in /etc/subuid
// and /etc/subgid, root-started sandboxes with a user namespace take their
// ids from, as podman's --userns=auto takes them from "containers".
const SubIDUser = "sandbox"

// DefaultAutoIDs is how many uids, and as many gids, a sandbox gets from
// the sandbox user's ranges: root and 65535 more inside.
const DefaultAutoIDs = 65536

// DefaultPoolSize is the size of the uid range, and of the gid range,
// that AddUser gives the sandbox user: DefaultAutoIDs for each of 1024
// sandboxes running at once.
const DefaultPoolSize = 1024 * DefaultAutoIDs

// SubIDSource says where the subordinate id ranges are declared. The zero
// value is the system's: /etc/subuid and /etc/subgid, user SubIDUser.
type SubIDSource struct {
	// Root is the directory whose etc/subuid, etc/subgid and etc/passwd
	// are read; "" is "/". Tests use a throwaway one.
	Root string
	// User owns the ranges; "" is SubIDUser.
	User string
}

// IDRange is Count ids from Start on.
type IDRange struct {
	Start uint32 `json:"start"`
	Count uint32 `json:"count"`
}

// end is one past the range's last id.
func (r IDRange) end() uint64 { return uint64(r.Start) + uint64(r.Count) }

func (r IDRange) String() string { return fmt.Sprintf("%d-%d", r.Start, r.end()-1) }

// IDRanges are a sandbox's host uids and gids, allocated from the sandbox
// user's subordinate ranges.
type IDRanges struct {
	UID IDRange `json:"uid"`
	GID IDRange `json:"gid"`
}

// SubIDPool is what a SubIDSource declares for its user.
type SubIDPool struct {
	UIDs, GIDs []IDRange
}

// ErrNoSubIDs means the sandbox user has no subordinate uid or gid range.
var ErrNoSubIDs = errors.New("no subordinate id range")

func (s SubIDSource) user() string {
	if s.User == "" {
		return SubIDUser
	}
	return s.User
}

func (s SubIDSource) path(name string) string {
	root := s.Root
	if root == "" {
		root = "/"
	}
	return filepath.Join(root, "etc", name)
}

// Pool reads the user's ranges. Without a uid range or a gid range of at
// least n ids, it fails with ErrNoSubIDs and says how to make them.
func (s SubIDSource) Pool(n uint32) (*SubIDPool, error) {
	uid, _ := lookupUID(s.path("passwd"), s.user())
	var p SubIDPool
	for _, f := range []struct {
		name string
		out  *[]IDRange
	}{{"subuid", &p.UIDs}, {"subgid", &p.GIDs}} {
		all, err := readSubIDs(s.path(f.name))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		*f.out = rangesOf(all, s.user(), uid, n)
		if len(*f.out) == 0 {
			return nil, fmt.Errorf("%w of %d ids for user %s in %s: root-started sandboxes with a user namespace "+
				"and no uid_map take their ids from it; create it with `sudo sandbox doctor --add-sandbox-user`, "+
				"or set uid_map and gid_map", ErrNoSubIDs, n, s.user(), s.path(f.name))
		}
	}
	return &p, nil
}

// subIDLine is one line of a subordinate id file: OWNER:START:COUNT, the
// owner a user name or uid.
type subIDLine struct {
	owner string
	r     IDRange
}

// readSubIDs reads a subordinate id file, skipping lines it cannot parse.
func readSubIDs(path string) ([]subIDLine, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var out []subIDLine
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Split(strings.TrimSpace(sc.Text()), ":")
		if len(f) != 3 || f[0] == "" || strings.HasPrefix(f[0], "#") {
			continue
		}
		start, err1 := strconv.ParseUint(f[1], 10, 32)
		count, err2 := strconv.ParseUint(f[2], 10, 32)
		if err1 != nil || err2 != nil || count == 0 || start+count > 1<<32-1 {
			continue
		}
		out = append(out, subIDLine{owner: f[0], r: IDRange{Start: uint32(start), Count: uint32(count)}})
	}
	return out, nil
}

// rangesOf picks the ranges of user (by name, or by uid when known) that
// hold at least n ids, sorted.
func rangesOf(lines []subIDLine, user, uid string, n uint32) []IDRange {
	var out []IDRange
	for _, l := range lines {
		if (l.owner == user || uid != "" && l.owner == uid) && l.r.Count >= n {
			out = append(out, l.r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// lookupUID finds user's uid in a passwd file.
func lookupUID(passwd, user string) (string, bool) {
	b, err := os.ReadFile(passwd)
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Split(line, ":"); len(f) >= 3 && f[0] == user {
			return f[2], true
		}
	}
	return "", false
}

// freeRange finds the lowest n ids of pool that no range in used holds.
func freeRange(pool, used []IDRange, n uint32) (IDRange, bool) {
	used = append([]IDRange(nil), used...)
	sort.Slice(used, func(i, j int) bool { return used[i].Start < used[j].Start })
	for _, p := range pool {
		next := uint64(p.Start)
		for _, u := range used {
			if u.end() <= next {
				continue
			}
			if uint64(u.Start) >= next+uint64(n) {
				break
			}
			next = u.end()
		}
		if next+uint64(n) <= p.end() {
			return IDRange{Start: uint32(next), Count: n}, true
		}
	}
	return IDRange{}, false
}
