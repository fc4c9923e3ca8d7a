//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// taskFields are the lines of a task's status that must be the same for
// every thread of every process inside a sandbox.
var taskFields = []string{"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp", "Uid", "Gid", "Groups"}

// tasks reports, for every thread of every process it can see, the
// privilege lines of /proc/PID/task/TID/status, keyed by "PID/TID NAME".
func tasks() map[string]map[string]string {
	out := map[string]map[string]string{}
	paths, _ := filepath.Glob("/proc/[0-9]*/task/[0-9]*/status")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // the thread ended
		}
		fields, name := map[string]string{}, ""
		for _, line := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			v = strings.TrimSpace(v)
			if k == "Name" {
				name = v
			}
			for _, f := range taskFields {
				if k == f {
					fields[k] = v
				}
			}
		}
		id := strings.TrimSuffix(strings.TrimPrefix(p, "/proc/"), "/status")
		out[strings.Replace(id, "/task/", "/", 1)+" "+name] = fields
	}
	return out
}

// openModes opens each path read-only and then write-only, never reading
// or writing, and reports each result as "PATH r|w: ok|error".
func openModes(paths []string) []string {
	var out []string
	for _, p := range paths {
		for _, m := range []struct {
			name string
			flag int
		}{{"r", os.O_RDONLY}, {"w", os.O_WRONLY}} {
			f, err := os.OpenFile(p, m.flag|syscall.O_NONBLOCK, 0)
			if err == nil {
				f.Close()
			}
			out = append(out, fmt.Sprintf("%s %s: %s", p, m.name, errText(err)))
		}
	}
	return out
}

// readHead reads the first n bytes of p, for a device node's canary.
func readHead(p string, n int) string {
	f, err := os.Open(p)
	if err != nil {
		return "read: " + err.Error()
	}
	defer f.Close()
	b := make([]byte, n)
	m, err := f.Read(b)
	if err != nil {
		return "read: " + err.Error()
	}
	return "read: " + string(b[:m])
}

// loopback listens on 127.0.0.1 and connects to itself.
func loopback() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "listen: " + err.Error()
	}
	defer l.Close()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		return "connect: " + err.Error()
	}
	c.Close()
	return "ok"
}

// attackMode runs the modes of this file; it reports false for any other.
func attackMode(args []string) bool {
	switch args[0] {
	case "tasks":
		json.NewEncoder(os.Stdout).Encode(tasks())
	case "open":
		fmt.Println(strings.Join(openModes(args[1:]), "\n"))
	case "loopback":
		fmt.Println("loopback:", loopback())
	case "list":
		fmt.Println(strings.Join(listDir(args[1]), "\n"))
	case "read":
		n, _ := strconv.Atoi(args[2])
		fmt.Println(readHead(args[1], n))
	case "symlink":
		fmt.Println("symlink:", errText(os.Symlink(args[1], args[2])))
	default:
		return false
	}
	return true
}
