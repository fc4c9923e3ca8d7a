package launcher

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher/network"
	"golang.org/x/sys/unix"
)

// StageArg is the hidden first argument of the stage that makes a
// sandbox's child inside a network holder's user namespace (StageMain).
const StageArg = "__sandbox_net_stage__"

// stageConfig is what the stage needs to clone the child.
type stageConfig struct {
	// Exe is the child program, Flags its namespaces, Files how many of
	// the stage's fds it gets (the same numbers) and PidFD where the
	// stage writes the child's pid, or why it failed.
	Exe    string  `json:"exe"`
	Flags  uintptr `json:"flags"`
	Files  int     `json:"files"`
	PidFD  int     `json:"pid_fd"`
	UIDMap []config.IDMap
	GIDMap []config.IDMap
}

// HelperMain runs this program as a network holder or as a stage when
// its first argument says so, and never returns then; else it returns
// at once. The launcher's main calls it first, like the child's.
func HelperMain() {
	switch {
	case len(os.Args) == 3 && os.Args[1] == network.HolderArg:
		network.HolderMain(os.Args[2])
	case len(os.Args) == 3 && os.Args[1] == StageArg:
		stageMain(os.Args[2])
	}
}

// stageMain runs in the holder's user namespace, where nsenter(1) put it,
// as its root. It clones the sandbox's child into new namespaces with
// CLONE_PARENT, so that the launcher stays its parent, maps its ids
// (translated into the holder's, which this stage may write), reports
// its pid and exits.
func stageMain(arg string) {
	var c stageConfig
	if err := json.Unmarshal([]byte(arg), &c); err != nil {
		os.Exit(125)
	}
	out := os.NewFile(uintptr(c.PidFD), "pid")
	isolation.CloseInheritedOnExec()
	pid, err := stageClone(&c)
	if err != nil {
		fmt.Fprintf(out, "error %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(out, "%d\n", pid)
	os.Exit(0)
}

func stageClone(c *stageConfig) (int, error) {
	uids, err := inHolder("uid_map", c.UIDMap)
	if err != nil {
		return 0, err
	}
	gids, err := inHolder("gid_map", c.GIDMap)
	if err != nil {
		return 0, err
	}
	b, _ := os.ReadFile("/proc/self/setgroups")
	setgroups := strings.TrimSpace(string(b)) == "allow"
	attr := &syscall.SysProcAttr{Cloneflags: c.Flags | unix.CLONE_PARENT, Setsid: true,
		UidMappings: uids, GidMappings: gids, GidMappingsEnableSetgroups: setgroups,
		Credential: &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: !setgroups}}
	if c.Flags&unix.CLONE_NEWPID != 0 {
		// Go checks the parent after setting this and kills a child whose
		// parent differs: true of every child here, which is harmless
		// only as a pid namespace's init (which ignores that signal).
		attr.Pdeathsig = syscall.SIGKILL
	}
	files := make([]*os.File, c.Files)
	for i := range files {
		files[i] = os.NewFile(uintptr(i), "fd"+strconv.Itoa(i))
	}
	p, err := os.StartProcess(c.Exe, []string{"sandbox", isolation.ChildArg}, &os.ProcAttr{Env: childEnv, Files: files, Sys: attr})
	if err != nil {
		return 0, fmt.Errorf("start sandbox child in the network's user namespace: %w", err)
	}
	return p.Pid, nil
}

// inHolder translates the plan's map m, in the host's ids, into the ids
// of the holder's user namespace, whose map the stage reads as its own.
func inHolder(file string, m []config.IDMap) ([]syscall.SysProcIDMap, error) {
	own, err := readIDMap("/proc/self/" + file)
	if err != nil {
		return nil, err
	}
	return translateIDs(file, own, m)
}

// translateIDs translates m, in the host's ids, into the ids of a user
// namespace whose map is own.
func translateIDs(file string, own, m []config.IDMap) ([]syscall.SysProcIDMap, error) {
	var out []syscall.SysProcIDMap
	for _, r := range m {
		found := false
		for _, h := range own {
			if r.Outside >= h.Outside && uint64(r.Outside)+uint64(r.Count) <= uint64(h.Outside)+uint64(h.Count) {
				out = append(out, syscall.SysProcIDMap{ContainerID: int(r.Inside), HostID: int(h.Inside + r.Outside - h.Outside), Size: int(r.Count)})
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%s: host ids %d-%d are not mapped in the network's holder, which maps the user's own id and the subordinate ranges it had when the network's first sandbox started: stop the network's sandboxes, so that the next one starts a holder with today's ranges", file, r.Outside, uint64(r.Outside)+uint64(r.Count)-1)
		}
	}
	return out, nil
}

func readIDMap(path string) ([]config.IDMap, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read the holder's id map: %w", err)
	}
	defer f.Close()
	var out []config.IDMap
	s := bufio.NewScanner(f)
	for s.Scan() {
		var m config.IDMap
		if _, err := fmt.Sscan(s.Text(), &m.Inside, &m.Outside, &m.Count); err == nil {
			out = append(out, m)
		}
	}
	return out, s.Err()
}
