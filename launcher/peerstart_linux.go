package launcher

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/network"
	"github.com/hclsandbox/sandbox/launcher/state"
	"golang.org/x/sys/unix"
)

// NsenterMissing is the fix for a host without nsenter(1).
const NsenterMissing = "nsenter is part of util-linux; Debian: apt-get install util-linux"

// peerStart is the start of a sandbox started without root on a named
// network: its place there, reserved before its child exists, and the
// pipe on which the stage reports the child's pid.
type peerStart struct {
	att        *network.Attachment
	network    string
	pidR, pidW *os.File
	exe        *os.File
}

// inHolderNet reports whether p's child is made inside a network holder.
func inHolderNet(p *Plan) bool { return p.Network != nil && p.Network.Holder }

// reservePeers reserves p's place on its network and turns cmd, the
// child's command, into the stage's: nsenter(1) into the holder's user
// namespace, then this program's stage, which clones the child as cmd
// would have, with the same descriptors.
func reservePeers(p *Plan, c *state.Claim, cmd *exec.Cmd) (*peerStart, error) {
	nsenter, err := exec.LookPath("nsenter")
	if err != nil {
		return nil, fmt.Errorf("network %s without root needs nsenter, which puts the sandbox's first stage into the network's user namespace (%s)", p.Network.Network, NsenterMissing)
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this program: %w", err)
	}
	if err := hostsTarget(p); err != nil {
		return nil, err
	}
	att, err := network.Reserve(c.Root(), p.Name, p.Network, c.NoteNet, startNetHolder)
	if err != nil {
		return nil, err
	}
	s := &peerStart{att: att, network: p.Network.Network}
	if err := s.rewrite(p, cmd, nsenter, self); err != nil {
		s.closeFiles()
		att.Detach()
		return nil, err
	}
	return s, nil
}

// rewrite makes cmd run the stage with cmd's program, namespaces and maps.
func (s *peerStart) rewrite(p *Plan, cmd *exec.Cmd, nsenter, self string) error {
	fd, err := unix.FcntlInt(uintptr(childExe.fd), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return fmt.Errorf("pass the child program along: %w", err)
	}
	s.exe = os.NewFile(uintptr(fd), "sandbox-child")
	if s.pidR, s.pidW, err = os.Pipe(); err != nil {
		return fmt.Errorf("make the stage's pipe: %w", err)
	}
	files := 3 + len(cmd.ExtraFiles)
	conf := stageConfig{Exe: "/proc/self/fd/" + strconv.Itoa(files), Flags: cmd.SysProcAttr.Cloneflags,
		Files: files, PidFD: files + 1, UIDMap: p.UIDMap, GIDMap: p.GIDMap}
	b, _ := json.Marshal(conf)
	cmd.ExtraFiles = append(cmd.ExtraFiles, s.exe, s.pidW)
	cmd.Path = nsenter
	cmd.Args = []string{"nsenter", "--user=/proc/" + strconv.Itoa(s.att.Holder()) + "/ns/user", "--preserve-credentials",
		"--", self, StageArg, string(b)}
	a := cmd.SysProcAttr
	a.Cloneflags, a.UidMappings, a.GidMappings, a.Credential, a.AmbientCaps = 0, nil, nil, nil, nil
	return nil
}

// started takes the child's pid from the stage once cmd, the stage, has
// started, and returns a command standing for the child, the launcher's
// own (CLONE_PARENT), that Wait reaps.
func (s *peerStart) started(cmd *exec.Cmd) (*exec.Cmd, error) {
	s.pidW.Close()
	s.exe.Close()
	line, _ := bufio.NewReader(s.pidR).ReadString('\n')
	s.pidR.Close()
	werr := cmd.Wait()
	line = strings.TrimSpace(line)
	pid, err := strconv.Atoi(line)
	if err != nil {
		if line == "" {
			line = fmt.Sprintf("nsenter or the stage ended (%v) without making it", werr)
		}
		return nil, fmt.Errorf("make the sandbox's child in the user namespace of network %s's holder: %s", s.network, strings.TrimPrefix(line, "error "))
	}
	child, err := os.FindProcess(pid)
	if err != nil {
		return nil, fmt.Errorf("find the sandbox's child %d: %w", pid, err)
	}
	return &exec.Cmd{Path: "sandbox child", Process: child}, nil
}

// closeFiles closes what the stage got, for a start that failed.
func (s *peerStart) closeFiles() {
	for _, f := range []*os.File{s.pidR, s.pidW, s.exe} {
		if f != nil {
			f.Close()
		}
	}
}

// hostsTarget checks that the network's hosts file can be bound on the
// sandbox's /etc/hosts: a root from a directory must have one, or an etc
// whose owner the sandbox's root may write for (an id its map holds),
// since the sandbox cannot make the mount point in a directory of
// someone else's, overlay or not.
func hostsTarget(p *Plan) error {
	r := p.Spec.Root
	if r.Source == "" {
		return nil
	}
	etc := filepath.Join(r.Source, "etc")
	if _, err := os.Lstat(filepath.Join(etc, "hosts")); err == nil {
		return nil
	}
	var st unix.Stat_t
	if err := unix.Stat(etc, &st); err != nil || mapsID(p.UIDMap, st.Uid) {
		return nil // no etc at all is the child's to report
	}
	return fmt.Errorf("network %s: the rootfs %s has no etc/hosts, and its etc belongs to uid %d, whom the sandbox does not map, so the network's hosts file (peers by name) has no place: create an empty %s as the rootfs's owner, or use a rootfs of your own",
		p.Network.Network, r.Source, st.Uid, filepath.Join(etc, "hosts"))
}

// mapsID reports whether the host id is in one of m's ranges.
func mapsID(m []config.IDMap, id uint32) bool {
	for _, r := range m {
		if id >= r.Outside && uint64(id) < uint64(r.Outside)+uint64(r.Count) {
			return true
		}
	}
	return false
}
