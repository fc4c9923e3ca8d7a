package state

import (
	"errors"
	"os"
	"strconv"
	"strings"
)

// CallerIDs are an unprivileged user's own subordinate id ranges, which
// newuidmap and newgidmap let it map into a user namespace it owns.
type CallerIDs struct {
	// Name is the user's name in /etc/passwd, "" when it has none.
	Name string
	// UIDs and GIDs are its ranges in /etc/subuid and /etc/subgid, listed
	// by name or by uid, sorted; either may be empty.
	UIDs, GIDs []IDRange
}

// CallerSubIDs reads the ranges of the user uid from the source's
// etc/subuid and etc/subgid (the source's User is ignored: the user is
// found by uid in etc/passwd). Missing files mean no range.
func (s SubIDSource) CallerSubIDs(uid int) (*CallerIDs, error) {
	out := &CallerIDs{Name: nameOf(s.path("passwd"), uid)}
	for _, f := range []struct {
		name string
		out  *[]IDRange
	}{{"subuid", &out.UIDs}, {"subgid", &out.GIDs}} {
		all, err := readSubIDs(s.path(f.name))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		*f.out = rangesOf(all, out.Name, strconv.Itoa(uid), 1)
	}
	return out, nil
}

// nameOf finds the name of uid in a passwd file; "" when it is not there.
func nameOf(passwd string, uid int) string {
	b, err := os.ReadFile(passwd)
	if err != nil {
		return ""
	}
	want := strconv.Itoa(uid)
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Split(line, ":"); len(f) >= 3 && f[2] == want && f[0] != "" {
			return f[0]
		}
	}
	return ""
}
