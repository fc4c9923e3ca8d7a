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

// allCaps lists every capability this kernel knows, probed once: the
// stage keeps them ambient across its execve, made before its uid is
// mapped.
var allCaps = sync.OnceValue(func() []uintptr {
	var out []uintptr
	for c := uintptr(0); c < 64; c++ {
		if _, err := unix.PrctlRetInt(unix.PR_CAPBSET_READ, c, 0, 0, 0); err != nil {
			break
		}
		out = append(out, c)
	}
	return out
})

// writeMaps has newuidmap and newgidmap write m for pid.
func writeMaps(pid int, m *Maps) error {
	var errs []error
	for _, job := range []struct {
		helper string
		m      []config.IDMap
	}{{"newuidmap", m.UID}, {"newgidmap", m.GID}} {
		errs = append(errs, runHelper(job.helper, pid, job.m))
	}
	return errors.Join(errs...)
}

// runHelper runs newuidmap or newgidmap for pid with the lines of m.
func runHelper(helper string, pid int, m []config.IDMap) error {
	path, err := exec.LookPath(helper)
	if err != nil {
		return fmt.Errorf("%s is not installed, and it alone may map your subordinate ids: install it (apt-get install uidmap)", helper)
	}
	args := []string{strconv.Itoa(pid)}
	for _, l := range m {
		args = append(args, strconv.FormatUint(uint64(l.Inside), 10),
			strconv.FormatUint(uint64(l.Outside), 10), strconv.FormatUint(uint64(l.Count), 10))
	}
	var stderr bytes.Buffer
	cmd := exec.Command(path, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s refused: %s", helper, strings.Join(args, " "), strings.TrimSpace(stderr.String()+" "+err.Error()))
	}
	return nil
}
