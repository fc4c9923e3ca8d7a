package network

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/internal/proc"
	"github.com/hclsandbox/sandbox/isolation"
	"golang.org/x/sys/unix"
)

// attachPasta connects the sandbox pid, started without root, to the
// host through pasta: a tap device in the sandbox's own net namespace,
// outbound traffic through the host's sockets and the published ports.
// The caller holds the network lock.
func (a *Attachment) attachPasta(note func(*Record) error, n *Plan, pid int, spec *isolation.Spec) error {
	rec := a.rec
	if err := os.MkdirAll(rec.Dir, 0o700); err != nil {
		return fmt.Errorf("make network state dir: %w", err)
	}
	if err := note(rec); err != nil {
		return err
	}
	stop, err := startPasta(rec.Dir, a.name, n, pid, func(p int) error {
		rec.Pasta, rec.PastaStart = p, proc.StartTime(p)
		return note(rec)
	})
	if err != nil {
		return err
	}
	a.stopPasta = stop
	mounts, err := resolvMount(rec.Dir, a.name, n)
	if err != nil {
		return err
	}
	spec.Mounts = append(append([]isolation.Mount(nil), spec.Mounts...), mounts...)
	return nil
}

// startPasta runs pasta for the net namespace of pid and waits until it
// has configured it, which pasta says by writing its pid file: here a
// FIFO, so that no polling is needed. started records pasta's pid
// before the wait, so that a crash in between leaves it to gc. The
// function it returns kills pasta and returns once it has been reaped.
func startPasta(dir, name string, n *Plan, pid int, started func(int) error) (func(), error) {
	fifo := filepath.Join(dir, "pasta-"+shortHash(name)+".pid")
	os.Remove(fifo)
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		return nil, fmt.Errorf("make pasta pid fifo: %w", err)
	}
	defer os.Remove(fifo)
	// Read and write, so that opening never blocks and pasta's own open
	// does not either; a read then waits for its pid or for its end.
	f, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("open pasta pid fifo: %w", err)
	}
	defer f.Close()
	cmd := exec.Command("pasta", PastaArgs(n, fifo, pid)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	// A session of its own, so that a terminal's Ctrl-C reaches the
	// sandbox through the launcher and not pasta first; killed with the
	// launcher's thread if the launcher dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start pasta: %w (%s)", err, PastaMissing)
	}
	if err := started(cmd.Process.Pid); err != nil {
		stopPid(cmd.Process.Pid)
		cmd.Wait()
		return nil, err
	}
	return awaitPasta(cmd, f, &stderr)
}

// awaitPasta waits for pasta's pid on f, the FIFO, or for its end, which
// is then an error with what pasta said. It returns pasta's stop.
func awaitPasta(cmd *exec.Cmd, f *os.File, stderr *bytes.Buffer) (func(), error) {
	exited := make(chan struct{})
	var werr error
	go func() { werr = cmd.Wait(); close(exited); f.SetReadDeadline(time.Now()) }()
	buf := make([]byte, 32)
	if k, err := f.Read(buf); err != nil || k == 0 {
		stopPid(cmd.Process.Pid)
		<-exited
		return nil, fmt.Errorf("pasta could not connect the sandbox (%v): %s", werr, pastaSaid(stderr.String()))
	}
	return func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill() // not reaped yet, so still pasta
			<-exited
		}
	}, nil
}

// pastaSaid is pasta's error output without its complaints about the
// system log, with a hint where a port could not be bound.
func pastaSaid(out string) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasSuffix(l, "to syslog") {
			lines = append(lines, l)
		}
	}
	said := strings.Join(lines, "; ")
	if strings.Contains(said, "Failed to bind") {
		said += " (is that host port in use, or below 1024? ports under 1024 need net.ipv4.ip_unprivileged_port_start lowered)"
	}
	return said
}

// PastaArgs are the arguments of pasta for the net namespace of pid, the
// sandbox's first process, whose user namespace pasta joins: configure
// the namespace, forward exactly the published ports, and nothing from
// the sandbox to the host's loopback (no -T/-U forwards, no mapping of
// the gateway address to the host).
func PastaArgs(n *Plan, pidFile string, pid int) []string {
	args := []string{"-f", "-q", "--config-net", "--no-map-gw", "-T", "none", "-U", "none"}
	var tcp, udp []string
	for _, p := range n.Ports {
		spec := fmt.Sprintf("%d:%d", p.HostPort, p.SandboxPort)
		if p.HostIP.IsValid() {
			spec = p.HostIP.String() + "/" + spec
		}
		if p.Proto == "udp" {
			udp = append(udp, "-u", spec)
		} else {
			tcp = append(tcp, "-t", spec)
		}
	}
	if tcp == nil {
		tcp = []string{"-t", "none"}
	}
	if udp == nil {
		udp = []string{"-u", "none"}
	}
	args = append(append(args, tcp...), udp...)
	return append(args, "--pid", pidFile, strconv.Itoa(pid))
}

// resolvMount writes the sandbox's /etc/resolv.conf when it names its
// own servers; else the root filesystem's stays.
func resolvMount(dir, name string, n *Plan) ([]isolation.Mount, error) {
	if len(n.DNS) == 0 {
		return nil, nil
	}
	var b strings.Builder
	for _, s := range n.DNS {
		fmt.Fprintf(&b, "nameserver %s\n", s)
	}
	path := filepath.Join(dir, "resolv-"+shortHash(name))
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return nil, fmt.Errorf("write resolv.conf: %w", err)
	}
	return []isolation.Mount{{Kind: isolation.KindBind, Source: path, Target: "/etc/resolv.conf",
		Flags: []string{"ro", "nosuid", "nodev", "noexec"}}}, nil
}

// releasePasta stops the sandbox's pasta, while it still is the process
// the record names, and removes its files and, when no other sandbox
// uses it, the network's directory. The caller holds the network lock.
func releasePasta(name string, rec *Record) error {
	if proc.SameProcess(rec.Pasta, rec.PastaStart) {
		stopPid(rec.Pasta)
	}
	os.Remove(filepath.Join(rec.Dir, "resolv-"+shortHash(name)))
	os.Remove(filepath.Join(rec.Dir, "pasta-"+shortHash(name)+".pid"))
	if err := os.Remove(rec.Dir); err != nil && !errors.Is(err, os.ErrNotExist) && !errors.Is(err, unix.ENOTEMPTY) {
		return fmt.Errorf("remove network state dir: %w", err)
	}
	return nil
}

// stopPid kills pasta; it holds no state worth a graceful end.
func stopPid(pid int) {
	unix.Kill(pid, unix.SIGKILL)
}
