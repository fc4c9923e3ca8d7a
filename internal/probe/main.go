// Command probe reports, as JSON on stdout, what a process sees from inside a
// sandbox. The tests build it statically, copy it into a throwaway root
// filesystem and run it as the sandbox's command. It never writes anything
// outside its own standard streams.
//
// Usage: probe [report [CANARY]] | exit N | kill SIGNAL
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Report is what the probe sees.
type Report struct {
	Hostname   string            `json:"hostname"`
	Pid        int               `json:"pid"`
	Pids       []int             `json:"pids"`
	Cwd        string            `json:"cwd"`
	CwdAfterUp string            `json:"cwd_after_up"`
	CanarySeen bool              `json:"canary_seen"`
	Env        []string          `json:"env"`
	Namespaces map[string]uint64 `json:"namespaces"`
	Dev        []string          `json:"dev"`
	Mounts     []string          `json:"mounts"`
	RootWrite  string            `json:"root_write"`
}

func main() {
	args := os.Args[1:]
	if len(args) == 0 {
		args = []string{"report"}
	}
	switch args[0] {
	case "exit":
		n, _ := strconv.Atoi(args[1])
		os.Exit(n)
	case "kill":
		n, _ := strconv.Atoi(args[1])
		syscall.Kill(os.Getpid(), syscall.Signal(n))
		select {}
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
	r := &Report{Pid: os.Getpid(), Env: os.Environ(), Namespaces: map[string]uint64{}}
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
	for _, ns := range []string{"uts", "pid", "mnt", "ipc", "net", "cgroup", "user"} {
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

// mounts lists "mountpoint fstype options" for every mount it sees.
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
		if len(f) > 5 && sep > 0 && sep+1 < len(f) {
			out = append(out, f[3]+" "+f[4]+" "+f[sep+1]+" "+f[5])
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
