package launcher

import (
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher/state"
)

// Projects scope names, not host ids: the same name in two projects gets
// two ranges of the one pool, and a third project finds it exhausted. A
// range handed out twice would let one project's root map onto files of
// the other's.
func TestAutoIDsAcrossProjects(t *testing.T) {
	rootfs := busyboxRootfs(t)
	sd := state.Dir{Root: t.TempDir()}
	withIDPool(t, &sd, 2)
	one, two, three := sd, sd, sd
	one.Project, two.Project, three.Project = "one", "two", "three"
	a := startIDSandbox(t, one, rootfs, "ids")
	b := startIDSandbox(t, two, rootfs, "ids")
	ia, ib := hostIDs(t, a.proc.Pid(), "uid_map"), hostIDs(t, b.proc.Pid(), "uid_map")
	if ia.Start < ib.Start+ib.Count && ib.Start < ia.Start+ia.Count {
		t.Errorf("the two projects' ids map %v and %v, which overlap", ia, ib)
	}
	_, err := tryIDSandbox(three, rootfs, "ids")
	if err == nil || !strings.Contains(err.Error(), "no 65536 free uids left") {
		t.Errorf("a third project's sandbox = %v, want the pool said to be exhausted", err)
	}
}
