//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// loadModes are the probe's modes for the resource tests: each takes one
// optional argument and reports as JSON, or fails with exit code 2.
var loadModes = map[string]func(string) error{
	"alloc": alloc, "selfkill": selfkill, "spin": spin,
	"escape": escape, "daemon": daemon, "middle": middle, "sleeper": sleeper,
}

// loadMode runs args as a load mode, if it is one.
func loadMode(args []string) bool {
	run, ok := loadModes[args[0]]
	if !ok {
		return false
	}
	arg := ""
	if len(args) > 1 {
		arg = args[1]
	}
	if err := run(arg); err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(2)
	}
	return true
}

func emit(v any) error { return json.NewEncoder(os.Stdout).Encode(v) }

// alloc allocates and touches arg MiB, then reports.
func alloc(arg string) error {
	mib, _ := strconv.Atoi(arg)
	var keep [][]byte
	for i := 0; i < mib; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		keep = append(keep, b)
	}
	return emit(map[string]int{"allocated_mib": len(keep)})
}

func selfkill(string) error {
	return syscall.Kill(os.Getpid(), syscall.SIGKILL)
}

// spin busies one core for the wall time arg and reports the CPU time it got.
func spin(arg string) error {
	d, err := time.ParseDuration(arg)
	if err != nil {
		return err
	}
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	start := time.Now()
	for n := 0; time.Since(start) < d; n++ {
	}
	wall := time.Since(start)
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	return emit(map[string]float64{"cpu_s": cpu.Seconds(), "wall_s": wall.Seconds()})
}

// escape tries to leave its cgroup: through every cgroup.procs it can
// reach, and through a cgroup filesystem it mounts itself; then it reports
// its /proc/self/cgroup.
func escape(string) error {
	var tries []string
	for _, c := range []string{"memory", "pids", "cpu", "freezer"} {
		dir := "/tmp/cg-" + c
		os.MkdirAll(dir, 0o755)
		err := syscall.Mount("cgroup", dir, "cgroup", 0, c)
		tries = append(tries, fmt.Sprintf("mount %s: %v", c, err))
		for _, p := range []string{dir + "/cgroup.procs", "/sys/fs/cgroup/" + c + "/cgroup.procs"} {
			err := os.WriteFile(p, []byte(strconv.Itoa(os.Getpid())), 0)
			tries = append(tries, fmt.Sprintf("write %s: %v", p, err))
		}
	}
	cg, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return err
	}
	return emit(map[string]any{"tries": tries, "cgroup": string(cg)})
}

// daemon starts a setsid'd grandchild through a middle process that exits
// at once, then sleeps: only killing the whole cgroup reaches the grandchild.
func daemon(string) error {
	if err := exec.Command("/probe", "middle").Run(); err != nil {
		return err
	}
	time.Sleep(time.Hour)
	return nil
}

func middle(string) error {
	cmd := exec.Command("/probe", "sleeper")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	return os.WriteFile("/pidfile", []byte(strconv.Itoa(cmd.Process.Pid)), 0o644)
}

func sleeper(string) error {
	time.Sleep(time.Hour)
	return nil
}
