package mapped

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"

	"github.com/hclsandbox/sandbox/config"
	"golang.org/x/sys/unix"
)

// AllCaps lists every capability this kernel knows, probed once. A child
// cloned into a new user namespace keeps them ambient across its execve,
// made before newuidmap has mapped its uid (an unmapped uid would lose
// them), until it becomes root of the namespace.
var AllCaps = sync.OnceValue(func() []uintptr {
	var out []uintptr
	for c := uintptr(0); c < 64; c++ {
		if _, err := unix.PrctlRetInt(unix.PR_CAPBSET_READ, c, 0, 0, 0); err != nil {
			break // EINVAL: past the last capability
		}
		out = append(out, c)
	}
	return out
})

// WriteMaps has the setuid newuidmap and newgidmap write uid and gid for
// pid, at once: the only way an unprivileged user maps its subordinate
// ranges. Their refusal comes back with what they said; a missing helper
// with how to install it.
func WriteMaps(pid int, uid, gid []config.IDMap) error {
	uidHelper, gidHelper, err := idHelpers()
	if err != nil {
		return err
	}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, job := range []struct {
		helper string
		m      []config.IDMap
	}{{uidHelper, uid}, {gidHelper, gid}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = runIDHelper(job.helper, pid, job.m)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

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
