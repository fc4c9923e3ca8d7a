package launcher

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/hclsandbox/sandbox/launcher/network"
	"github.com/hclsandbox/sandbox/launcher/state"
	"golang.org/x/sys/unix"
)

// startNetHolder starts the holder of a network for a user without root
// (network.HolderMain): a process of this program in a new user and net
// namespace, whose root is the user and which maps, like a sandbox, the
// user's subordinate ranges when it has some, so that every sandbox's own
// user namespace can be made inside it with the ids its plan maps. The
// holder outlives this launcher (its own session, no parent-death
// signal); network reaps it if it ends first.
func startNetHolder(dir string) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("start network holder: find this program: %w", err)
	}
	hp := holderMaps()
	cmd := exec.Command(self, network.HolderArg, dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWUSER | unix.CLONE_NEWNET, Setsid: true}
	if hp.SubIDMaps {
		ambientAll(cmd.SysProcAttr)
	} else {
		mapUsers(cmd.SysProcAttr, hp)
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("start network holder: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start network holder: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start network holder: %w (%s)", err, UsernsRestrictions())
	}
	if err := awaitHolder(cmd.Process.Pid, hp, in, bufio.NewReader(out)); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, err
	}
	return cmd, nil
}

// awaitHolder maps the holder's ids when newuidmap must, lets it go on
// and waits until it says it is ready.
func awaitHolder(pid int, hp *Plan, in interface{ Close() error }, out *bufio.Reader) error {
	if hp.SubIDMaps {
		if err := writeSubIDMaps(pid, hp); err != nil {
			return err
		}
	}
	in.Close() // the maps are there: the holder goes on
	line, err := out.ReadString('\n')
	if line = strings.TrimSpace(line); line != "ready" {
		if line == "" && err != nil {
			line = err.Error()
		}
		return fmt.Errorf("start network holder: %s", line)
	}
	return nil
}

// holderMaps is the id maps of a network holder: the user's own ids as
// root, and its subordinate ranges when it has both.
func holderMaps() *Plan {
	uid, gid := os.Geteuid(), os.Getegid()
	hp := &Plan{Name: "network holder", Rootless: true, UIDMap: ownID(uid), GIDMap: ownID(gid)}
	ids, err := state.SubIDSource{}.CallerSubIDs(uid)
	if err == nil && len(ids.UIDs) > 0 && len(ids.GIDs) > 0 {
		hp.UIDMap, hp.GIDMap, hp.SubIDMaps = withRanges(uid, ids.UIDs), withRanges(gid, ids.GIDs), true
	}
	return hp
}
