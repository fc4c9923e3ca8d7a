package launcher

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/hclsandbox/sandbox/config"
	"golang.org/x/sys/unix"
)

// An unprivileged user may write only its own id into a user namespace's
// maps; its subordinate ranges only the setuid newuidmap and newgidmap
// write, from outside, once the child exists. Go's os/exec cannot pause a
// child between clone and execve for them, and a child whose uid is not
// mapped loses its capabilities at execve. So the child is cloned with
// every capability of its new namespace made ambient, which execve keeps
// whatever its uid; it executes, then waits for its spec, which the
// launcher sends once the helpers have written the maps; then it becomes
// root of the namespace (isolation.Spec.BecomeRoot) and goes on as ever.
// Nothing else changes: it is still cloned into its cgroup, into its pid
// namespace as PID 1, from the same program (the sealed copy), and it
// still sets its own capabilities, clearing the ambient and inheritable
// sets, before its target runs.

// ambientAll makes the child keep every capability of its new user
// namespace across its execve, instead of having the launcher map ids.
func ambientAll(attr *syscall.SysProcAttr) {
	attr.AmbientCaps = allCaps()
}

// allCaps lists every capability this kernel knows, probed once.
var allCaps = sync.OnceValue(func() []uintptr {
	var out []uintptr
	for c := uintptr(0); c < 64; c++ {
		if _, err := unix.PrctlRetInt(unix.PR_CAPBSET_READ, c, 0, 0, 0); err != nil {
			break // EINVAL: past the last capability
		}
		out = append(out, c)
	}
	return out
})

// idHelpers are the paths of newuidmap and newgidmap, or an error that
// says how to install them.
func idHelpers() (uidHelper, gidHelper string, err error) {
	for _, h := range []struct {
		name string
		out  *string
	}{{"newuidmap", &uidHelper}, {"newgidmap", &gidHelper}} {
		if *h.out, err = exec.LookPath(h.name); err != nil {
			return "", "", fmt.Errorf("%s is not installed, and it alone may map your subordinate ids "+
				"(/etc/subuid, /etc/subgid): install it (apt-get install uidmap)", h.name)
		}
	}
	return uidHelper, gidHelper, nil
}

// writeSubIDMaps has newuidmap and newgidmap write p's maps for the
// child pid, at once. Their refusal comes back with what they said.
func writeSubIDMaps(pid int, p *Plan) error {
	uidHelper, gidHelper, err := idHelpers()
	if err != nil {
		return fmt.Errorf("map ids of %s: %w", p.Name, err)
	}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, job := range []struct {
		helper string
		m      []config.IDMap
	}{{uidHelper, p.UIDMap}, {gidHelper, p.GIDMap}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = runIDHelper(job.helper, pid, job.m)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("map ids of %s: %w", p.Name, err)
	}
	return nil
}

// runIDHelper runs newuidmap or newgidmap for pid with the lines of m.
func runIDHelper(helper string, pid int, m []config.IDMap) error {
	args := []string{strconv.Itoa(pid)}
	for _, l := range m {
		args = append(args, strconv.FormatUint(uint64(l.Inside), 10),
			strconv.FormatUint(uint64(l.Outside), 10), strconv.FormatUint(uint64(l.Count), 10))
	}
	var stderr bytes.Buffer
	cmd := exec.Command(helper, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		said := strings.TrimSpace(stderr.String())
		if said == "" {
			said = err.Error()
		}
		return fmt.Errorf("%s %s refused: %s (it maps only ids of the caller's lines in /etc/subuid or /etc/subgid, "+
			"only for a process of the caller's own uid and primary gid, and must be setuid root)",
			helper, strings.Join(args, " "), said)
	}
	return nil
}
