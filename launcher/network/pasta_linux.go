package network

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

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
	if strings.Contains(said, "tun") {
		said += tunAdvice("/dev/net/tun")
	}
	return said
}

// tunAdvice explains a failure to open the tun device when the host's
// (dev, /dev/net/tun) is not open to everyone: pasta opens it as the
// caller.
func tunAdvice(dev string) string {
	var st unix.Stat_t
	if unix.Stat(dev, &st) != nil || st.Mode&0o006 == 0o006 {
		return ""
	}
	return fmt.Sprintf(" (%s has mode %04o: pasta needs it open to every user, 0666, as Debian's udev rules make it)", dev, st.Mode&0o7777)
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

// stopPid kills pasta; it holds no state worth a graceful end.
func stopPid(pid int) {
	unix.Kill(pid, unix.SIGKILL)
}
