//go:build linux

// Command probe reports, as JSON on stdout, what a process sees from inside a
// sandbox. The tests build it statically, copy it into a throwaway root
// filesystem and run it as the sandbox's command. It never writes anything
// outside its own standard streams.
//
// Usage: probe [report [CANARY]] | exit N | kill SIGNAL | kill-all | syscalls | exe-write | fds | mknod | tiocsti | pid1 | abstract NAME
// | tasks | open PATH... | loopback | list DIR | symlink TARGET LINK | read PATH N | seccomp-cases FILE | devices [r:]PATH|pts...
// | stdio | winsize | flood N CODE | alloc MIB | selfkill | spin DURATION | escape | daemon
package main

import (
	"encoding/json"
	"fmt"
	probereport "github.com/hclsandbox/sandbox/internal/probe/report"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// Report is what the probe sees, as its JSON report.
type Report = probereport.Report

// writeTargets are opened for writing (never written) to show they are protected.
var writeTargets = []string{"/proc/sysrq-trigger", "/proc/sys/kernel/core_pattern",
	"/proc/sys/kernel/modprobe", "/sys/kernel/uevent_helper"}

// maskedTargets must read or list empty.
var maskedTargets = []string{"/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore",
	"/proc/keys", "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi", "/proc/timer_list",
	"/proc/timer_stats", "/sys/firmware", "/sys/devices/virtual/powercap"}

// existTargets are reported as present or absent.
var existTargets = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}

func main() {
	args := os.Args[1:]
	if len(args) == 0 {
		args = []string{"report"}
	}
	if attackMode(args) || loadMode(args) {
		return
	}
	if mode, ok := stdioModes[args[0]]; ok {
		os.Exit(mode(args[1:]))
	}
	switch args[0] {
	case "exit":
		n, _ := strconv.Atoi(args[1])
		os.Exit(n)
	case "kill":
		n, _ := strconv.Atoi(args[1])
		syscall.Kill(os.Getpid(), syscall.Signal(n))
		select {}
	case "kill-all":
		// kill(-1) signals every process this one may signal.
		err := syscall.Kill(-1, syscall.SIGKILL)
		fmt.Println("kill(-1, SIGKILL):", err)
	case "fds":
		fmt.Println(strings.Join(openFDs(), " "))
	case "mknod":
		err := syscall.Mknod("/dev/probe-block", syscall.S_IFBLK|0o600, 8<<8)
		fmt.Println("mknod:", errText(err))
	case "pid1":
		// PTRACE_SEIZE does not stop the tracee, so a success cannot hang it.
		_, _, e := syscall.RawSyscall6(syscall.SYS_PTRACE, 0x4206, 1, 0, 0, 0, 0)
		if e == 0 {
			syscall.RawSyscall6(syscall.SYS_PTRACE, syscall.PTRACE_DETACH, 1, 0, 0, 0, 0)
		}
		_, err := os.ReadFile("/proc/1/environ")
		fmt.Println("ptrace:", errText(e), "environ:", errText(err))
	case "abstract":
		// Connect to an abstract unix socket of the host's network namespace.
		fd, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
		err := syscall.Connect(fd, &syscall.SockaddrUnix{Name: "@" + args[1]})
		fmt.Println("abstract:", errText(err))
	case "tiocsti":
		// Which terminal is stdin, and may this process push input into it?
		var st syscall.Stat_t
		syscall.Fstat(0, &st)
		c := byte('\n')
		_, _, e := syscall.Syscall(syscall.SYS_IOCTL, 0, syscall.TIOCSTI, uintptr(unsafe.Pointer(&c)))
		fmt.Printf("stdin-rdev=%d stdin-dev=%d tiocsti=%s\n", st.Rdev, st.Dev, errText(e))
	case "devices":
		json.NewEncoder(os.Stdout).Encode(devices(args[1:]))
	case "exe-write":
		json.NewEncoder(os.Stdout).Encode(exeWrites())
	case "seccomp-cases", "seccomp-case":
		seccompMode(args)
	case "syscalls":
		json.NewEncoder(os.Stdout).Encode(syscallReport())
	case "files":
		json.NewEncoder(os.Stdout).Encode(files(args[1:]))
	case "report":
		canary := ""
		if len(args) > 1 {
			canary = args[1]
		}
		json.NewEncoder(os.Stdout).Encode(report(canary))
	default:
		fmt.Fprintf(os.Stderr, "probe: unknown mode %q\n", args[0])
		os.Exit(2)
	}
}

func report(canary string) *Report {
	r := &Report{Pid: os.Getpid(), Env: os.Environ(), Namespaces: map[string]uint64{}, Clocks: clocks()}
	r.Hostname, _ = os.Hostname()
	r.Cwd, _ = os.Getwd()
	r.Pids = pids()
	r.CwdAfterUp = climb()
	if canary != "" {
		_, err := os.Lstat(canary)
		r.CanarySeen = err == nil
	}
	r.Namespaces = namespaces()
	r.Dev = listDir("/dev")
	r.Mounts = mounts()
	r.RootWrite = tryWrite("/probe-write-test")
	r.Status = status()
	r.OpenWrite = map[string]string{}
	for _, p := range writeTargets {
		r.OpenWrite[p] = openWrite(p)
	}
	r.Masked = map[string]int{}
	for _, p := range maskedTargets {
		r.Masked[p] = contentSize(p)
	}
	r.Interfaces = interfaces()
	r.Exists = map[string]bool{}
	for _, p := range append(existTargets, maskedTargets...) {
		_, err := os.Lstat(p)
		r.Exists[p] = err == nil
	}
	return r
}

// climb changes to ".." fifty times and reports where it ends up.
func climb() string {
	for range 50 {
		syscall.Chdir("..")
	}
	wd, err := os.Getwd()
	if err != nil {
		return "error: " + err.Error()
	}
	return wd
}

func pids() []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

func namespaces() map[string]uint64 {
	out := map[string]uint64{}
	for _, ns := range []string{"uts", "pid", "mnt", "ipc", "net", "cgroup", "user", "time"} {
		var st syscall.Stat_t
		if syscall.Stat("/proc/self/ns/"+ns, &st) == nil {
			out[ns] = st.Ino
		}
	}
	return out
}

func listDir(dir string) []string {
	var out []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// mounts lists "root mountpoint fstype options superoptions" for every mount it sees.
func mounts() []string {
	b, _ := os.ReadFile("/proc/self/mountinfo")
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		sep := 0
		for i, x := range f {
			if x == "-" {
				sep = i
				break
			}
		}
		if len(f) > 5 && sep > 0 && sep+3 < len(f) {
			out = append(out, f[3]+" "+f[4]+" "+f[sep+1]+" "+f[5]+" "+f[sep+3])
		}
	}
	return out
}

// tryWrite reports whether a file can be created at p ("ok" or the error);
// it removes what it made.
func tryWrite(p string) string {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err.Error()
	}
	f.Close()
	os.Remove(p)
	return "ok"
}

// status returns the capability, no_new_privs, seccomp and id lines of /proc/self/status.
func status() map[string]string {
	out := map[string]string{}
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && (strings.HasPrefix(k, "Cap") || k == "NoNewPrivs" || k == "Seccomp" || k == "Uid" || k == "Gid" || k == "Groups") {
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

// openWrite opens p for writing without writing and reports "ok" or the error.
func openWrite(p string) string {
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return err.Error()
	}
	f.Close()
	return "ok"
}

// contentSize is the number of bytes a file reads or entries a directory
// lists; -1 when it is absent or unreadable.
func contentSize(p string) int {
	info, err := os.Stat(p)
	if err != nil {
		return -1
	}
	if info.IsDir() {
		entries, err := os.ReadDir(p)
		if err != nil {
			return -1
		}
		return len(entries)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return -1
	}
	return len(b)
}

// interfaces lists the network interfaces in /proc/net/dev.
func interfaces() []string {
	b, _ := os.ReadFile("/proc/net/dev")
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if name, _, ok := strings.Cut(line, ":"); ok {
			out = append(out, strings.TrimSpace(name))
		}
	}
	sort.Strings(out)
	return out
}

// exeWrites tries to open every visible /proc/PID/exe for writing (never
// writing) and reports each result.
func exeWrites() map[string]string {
	out := map[string]string{}
	for _, pid := range pids() {
		p := "/proc/" + strconv.Itoa(pid) + "/exe"
		out[p] = openWrite(p)
	}
	out["/proc/self/exe"] = openWrite("/proc/self/exe")
	return out
}

// errText is "ok" for a nil error or zero errno, else the error's text.
func errText(err error) string {
	if err == nil {
		return "ok"
	}
	if e, ok := err.(syscall.Errno); ok && e == 0 {
		return "ok"
	}
	return err.Error()
}

// openFDs lists the fd numbers open in this process, read with raw
// syscalls so that listing opens nothing else; the listing's own fd is left out.
func openFDs() []string {
	dir, err := syscall.Open("/proc/self/fd", syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	defer syscall.Close(dir)
	buf := make([]byte, 8192)
	n, err := syscall.ReadDirent(dir, buf)
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	_, _, names := syscall.ParseDirent(buf[:n], -1, nil)
	var out []string
	for _, name := range names {
		if name != strconv.Itoa(dir) {
			out = append(out, name)
		}
	}
	return out
}
