//go:build linux

package main

// The seccomp-cases mode runs the syscall-and-argument cases of a file,
// each in a process of its own, and reports how each ended, so that a test
// can hold one runtime's seccomp filter against another's.
//
// A cases file holds one case a line: a syscall's name (or #NUMBER) and up
// to six arguments; "#" followed by a space or the line's end starts a
// comment. An argument
// is a number (decimal, 0x hex, or negative), a constant's name (AF_INET6,
// CLONE_NEWNS, TCGETS, ...), several of those joined with "|", or
//
//	@null  a descriptor of /dev/null that the case's process opens
//	@buf   the address of 64 KiB of zeroes: an empty string, a zeroed struct
//
// A case runs in a fresh process, so whatever a call changes in its caller
// (personality, namespaces, descriptors) ends with that process. Cases must
// be harmless even when the filter lets them through: arguments that make
// the kernel refuse the call after the filter, or calls without effect.

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"github.com/elastic/go-seccomp-bpf/arch"
	probereport "github.com/hclsandbox/sandbox/internal/probe/report"
	"golang.org/x/sys/unix"
)

// seccompCase is one parsed line of a cases file.
type seccompCase struct {
	line int
	text string
	nr   uintptr
	args []string // each an argument expression, resolved in the case's process
}

// seccompMode runs "seccomp-cases FILE", or "seccomp-case LINE" in the
// process of one case; a mistake in the file exits 2.
func seccompMode(args []string) {
	var err error
	switch {
	case len(args) != 2:
		err = fmt.Errorf("usage: probe seccomp-cases FILE")
	case args[0] == "seccomp-cases":
		err = runSeccompCases(args[1])
	default:
		err = runSeccompCase(args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(2)
	}
}

// runSeccompCases runs every case of the file at path and prints the
// results as a JSON array of report.SeccompCase.
func runSeccompCases(path string) error {
	cases, err := readSeccompCases(path)
	if err != nil {
		return err
	}
	out := make([]probereport.SeccompCase, 0, len(cases))
	for _, c := range cases {
		res, err := runCaseProcess(c)
		if err != nil {
			return fmt.Errorf("%s:%d: %s: %w", path, c.line, c.text, err)
		}
		out = append(out, probereport.SeccompCase{Line: c.line, Case: c.text, Result: res})
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}

// readSeccompCases parses the file, checking every argument, so that a
// mistake stops the run before any case does.
func readSeccompCases(path string) ([]seccompCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cases []seccompCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		c, ok, err := parseSeccompCase(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if ok {
			c.line = n
			cases = append(cases, c)
		}
	}
	return cases, sc.Err()
}

// parseSeccompCase parses one line; ok is false for a blank or comment line.
func parseSeccompCase(line string) (c seccompCase, ok bool, err error) {
	if i := strings.Index(line+" ", "# "); i >= 0 {
		line = line[:i]
	}
	f := strings.Fields(line)
	if len(f) == 0 {
		return c, false, nil
	}
	if len(f) > 7 {
		return c, false, fmt.Errorf("%s: more than six arguments", f[0])
	}
	c.text = strings.Join(f, " ")
	if c.nr, err = syscallNumber(f[0]); err != nil {
		return c, false, err
	}
	c.args = f[1:]
	for _, a := range c.args {
		if _, err := argValue(a, nil); err != nil {
			return c, false, err
		}
	}
	return c, true, nil
}

// syscallNumber resolves a name of this architecture's table or #NUMBER.
func syscallNumber(name string) (uintptr, error) {
	if n, ok := strings.CutPrefix(name, "#"); ok {
		v, err := strconv.ParseUint(n, 0, 32)
		return uintptr(v), err
	}
	info, err := arch.GetInfo("")
	if err != nil {
		return 0, err
	}
	nr, ok := info.SyscallNames[name]
	if !ok {
		return 0, fmt.Errorf("unknown syscall %q", name)
	}
	return uintptr(nr), nil
}

// runCaseProcess runs one case in a new process and returns its result.
func runCaseProcess(c seccompCase) (string, error) {
	cmd := exec.Command("/proc/self/exe", "seccomp-case", c.text)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return fmt.Sprintf("signal %d", int(ws.Signal())), nil
		}
		return fmt.Sprintf("exit %d", ee.ExitCode()), nil
	case err != nil:
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// resources are what @null and @buf stand for in one case's process.
type resources struct {
	null int
	buf  []byte
}

// runSeccompCase makes the call of one case line and prints "ok" or the
// errno's name.
func runSeccompCase(line string) error {
	c, _, err := parseSeccompCase(line)
	if err != nil {
		return err
	}
	r := &resources{null: -1, buf: make([]byte, 64<<10)}
	var a [6]uintptr
	for i, s := range c.args {
		v, err := argValue(s, r)
		if err != nil {
			return err
		}
		a[i] = uintptr(v)
	}
	r1, _, errno := syscall.RawSyscall6(c.nr, a[0], a[1], a[2], a[3], a[4], a[5])
	if r1 == 0 && errno == 0 && forks(c.nr) {
		// The new process of a fork-like call that succeeded: it leaves
		// at once, touching nothing its parent owns.
		syscall.RawSyscall(unix.SYS_EXIT_GROUP, 0, 0, 0)
	}
	fmt.Println(errnoName(errno))
	return nil
}

// forks reports whether nr may return 0 in a new process.
func forks(nr uintptr) bool {
	return nr == unix.SYS_CLONE || nr == unix.SYS_CLONE3 || nr == unix.SYS_FORK || nr == unix.SYS_VFORK
}

// argValue evaluates an argument; with r nil it only checks the syntax.
func argValue(s string, r *resources) (uint64, error) {
	var v uint64
	for _, term := range strings.Split(s, "|") {
		t, err := termValue(term, r)
		if err != nil {
			return 0, err
		}
		v |= t
	}
	return v, nil
}

func termValue(t string, r *resources) (uint64, error) {
	switch {
	case t == "@null":
		if r == nil {
			return 0, nil
		}
		if r.null < 0 {
			fd, err := syscall.Open("/dev/null", syscall.O_RDWR|syscall.O_CLOEXEC, 0)
			if err != nil {
				return 0, fmt.Errorf("open /dev/null: %w", err)
			}
			r.null = fd
		}
		return uint64(r.null), nil
	case t == "@buf":
		if r == nil {
			return 0, nil
		}
		return uint64(uintptr(unsafe.Pointer(&r.buf[0]))), nil
	case t != "" && (t[0] == '-' || t[0] >= '0' && t[0] <= '9'):
		if n, err := strconv.ParseInt(t, 0, 64); err == nil {
			return uint64(n), nil
		}
		return strconv.ParseUint(t, 0, 64)
	}
	if v, ok := caseConstants[t]; ok {
		return v, nil
	}
	return 0, fmt.Errorf("unknown constant %q", t)
}

// caseConstants are the names a cases file may use.
var caseConstants = map[string]uint64{
	// address families
	"AF_UNSPEC": unix.AF_UNSPEC, "AF_UNIX": unix.AF_UNIX, "AF_INET": unix.AF_INET,
	"AF_AX25": unix.AF_AX25, "AF_IPX": unix.AF_IPX, "AF_APPLETALK": unix.AF_APPLETALK,
	"AF_NETROM": unix.AF_NETROM, "AF_BRIDGE": unix.AF_BRIDGE, "AF_ATMPVC": unix.AF_ATMPVC,
	"AF_X25": unix.AF_X25, "AF_INET6": unix.AF_INET6, "AF_ROSE": unix.AF_ROSE,
	"AF_DECnet": unix.AF_DECnet, "AF_NETBEUI": unix.AF_NETBEUI, "AF_SECURITY": unix.AF_SECURITY,
	"AF_KEY": unix.AF_KEY, "AF_NETLINK": unix.AF_NETLINK, "AF_PACKET": unix.AF_PACKET,
	"AF_ASH": unix.AF_ASH, "AF_ECONET": unix.AF_ECONET, "AF_ATMSVC": unix.AF_ATMSVC,
	"AF_RDS": unix.AF_RDS, "AF_SNA": unix.AF_SNA, "AF_IRDA": unix.AF_IRDA,
	"AF_PPPOX": unix.AF_PPPOX, "AF_WANPIPE": unix.AF_WANPIPE, "AF_LLC": unix.AF_LLC,
	"AF_IB": unix.AF_IB, "AF_MPLS": unix.AF_MPLS, "AF_CAN": unix.AF_CAN,
	"AF_TIPC": unix.AF_TIPC, "AF_BLUETOOTH": unix.AF_BLUETOOTH, "AF_IUCV": unix.AF_IUCV,
	"AF_RXRPC": unix.AF_RXRPC, "AF_ISDN": unix.AF_ISDN, "AF_PHONET": unix.AF_PHONET,
	"AF_IEEE802154": unix.AF_IEEE802154, "AF_CAIF": unix.AF_CAIF, "AF_ALG": unix.AF_ALG,
	"AF_NFC": unix.AF_NFC, "AF_VSOCK": unix.AF_VSOCK, "AF_KCM": unix.AF_KCM,
	"AF_QIPCRTR": unix.AF_QIPCRTR, "AF_SMC": unix.AF_SMC, "AF_XDP": unix.AF_XDP,
	"AF_MCTP": unix.AF_MCTP,
	// socket types, protocols
	"SOCK_STREAM": unix.SOCK_STREAM, "SOCK_DGRAM": unix.SOCK_DGRAM, "SOCK_RAW": unix.SOCK_RAW,
	"SOCK_RDM": unix.SOCK_RDM, "SOCK_SEQPACKET": unix.SOCK_SEQPACKET, "SOCK_DCCP": unix.SOCK_DCCP,
	"SOCK_PACKET": unix.SOCK_PACKET, "SOCK_NONBLOCK": unix.SOCK_NONBLOCK, "SOCK_CLOEXEC": unix.SOCK_CLOEXEC,
	"IPPROTO_IP": unix.IPPROTO_IP, "IPPROTO_ICMP": unix.IPPROTO_ICMP, "IPPROTO_TCP": unix.IPPROTO_TCP,
	"IPPROTO_UDP": unix.IPPROTO_UDP, "IPPROTO_ICMPV6": unix.IPPROTO_ICMPV6, "IPPROTO_RAW": unix.IPPROTO_RAW,
	"NETLINK_ROUTE": unix.NETLINK_ROUTE,
	// clone flags
	"CSIGNAL": unix.CSIGNAL, "SIGCHLD": uint64(unix.SIGCHLD),
	"CLONE_VM": unix.CLONE_VM, "CLONE_FS": unix.CLONE_FS, "CLONE_FILES": unix.CLONE_FILES,
	"CLONE_SIGHAND": unix.CLONE_SIGHAND, "CLONE_PIDFD": unix.CLONE_PIDFD, "CLONE_PTRACE": unix.CLONE_PTRACE,
	"CLONE_VFORK": unix.CLONE_VFORK, "CLONE_PARENT": unix.CLONE_PARENT, "CLONE_THREAD": unix.CLONE_THREAD,
	"CLONE_NEWNS": unix.CLONE_NEWNS, "CLONE_SYSVSEM": unix.CLONE_SYSVSEM, "CLONE_SETTLS": unix.CLONE_SETTLS,
	"CLONE_PARENT_SETTID": unix.CLONE_PARENT_SETTID, "CLONE_CHILD_CLEARTID": unix.CLONE_CHILD_CLEARTID,
	"CLONE_DETACHED": unix.CLONE_DETACHED, "CLONE_UNTRACED": unix.CLONE_UNTRACED,
	"CLONE_CHILD_SETTID": unix.CLONE_CHILD_SETTID, "CLONE_NEWCGROUP": unix.CLONE_NEWCGROUP,
	"CLONE_NEWUTS": unix.CLONE_NEWUTS, "CLONE_NEWIPC": unix.CLONE_NEWIPC, "CLONE_NEWUSER": unix.CLONE_NEWUSER,
	"CLONE_NEWPID": unix.CLONE_NEWPID, "CLONE_NEWNET": unix.CLONE_NEWNET, "CLONE_IO": unix.CLONE_IO,
	"CLONE_NEWTIME": unix.CLONE_NEWTIME,
	// personality
	"PER_LINUX": 0, "PER_LINUX32": 0x0008, "PER_QUERY": 0xffffffff,
	"UNAME26": 0x0020000, "ADDR_NO_RANDOMIZE": 0x0040000, "FDPIC_FUNCPTRS": 0x0080000,
	"MMAP_PAGE_ZERO": 0x0100000, "ADDR_COMPAT_LAYOUT": 0x0200000, "READ_IMPLIES_EXEC": 0x0400000,
	"ADDR_LIMIT_32BIT": 0x0800000, "SHORT_INODE": 0x1000000, "WHOLE_SECONDS": 0x2000000,
	"STICKY_TIMEOUTS": 0x4000000, "ADDR_LIMIT_3GB": 0x8000000,
	// ioctl requests
	"TCGETS": unix.TCGETS, "TCSETS": unix.TCSETS, "TIOCGWINSZ": unix.TIOCGWINSZ,
	"TIOCSWINSZ": unix.TIOCSWINSZ, "TIOCSTI": unix.TIOCSTI, "TIOCGPGRP": unix.TIOCGPGRP,
	"TIOCSPGRP": unix.TIOCSPGRP, "TIOCSCTTY": unix.TIOCSCTTY, "TIOCNOTTY": unix.TIOCNOTTY,
	"TIOCLINUX": unix.TIOCLINUX, "TIOCGPTN": unix.TIOCGPTN, "TIOCSPTLCK": unix.TIOCSPTLCK,
	"TIOCGSID": unix.TIOCGSID, "TIOCEXCL": unix.TIOCEXCL, "TIOCCONS": unix.TIOCCONS,
	"FIONREAD": unix.TIOCINQ, "FIONBIO": 0x5421, "FIOCLEX": 0x5451, "FIONCLEX": 0x5450, "FIOASYNC": 0x5452,
	"BLKGETSIZE64": unix.BLKGETSIZE64, "BLKROSET": unix.BLKROSET, "SIOCGIFCONF": unix.SIOCGIFCONF,
	"SIOCGIFFLAGS": unix.SIOCGIFFLAGS, "SIOCSIFFLAGS": unix.SIOCSIFFLAGS,
	// prctl
	"PR_GET_DUMPABLE": unix.PR_GET_DUMPABLE, "PR_GET_NO_NEW_PRIVS": unix.PR_GET_NO_NEW_PRIVS,
	"PR_GET_SECCOMP": unix.PR_GET_SECCOMP, "PR_CAPBSET_READ": unix.PR_CAPBSET_READ,
	"PR_GET_KEEPCAPS": unix.PR_GET_KEEPCAPS,
}
