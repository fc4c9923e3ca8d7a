package network

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/internal/proc"
	"golang.org/x/sys/unix"
)

// StartHolder starts the holder of the network whose state directory is
// dir (HolderMain) with the user's ids mapped, and returns it once it is
// ready. The launcher provides it: the ids are its concern.
type StartHolder func(dir string) (*exec.Cmd, error)

// holderState is holder.json in a network's directory: the holder and
// its pasta, each with its start time so that no other process is taken
// for it.
type holderState struct {
	Pid        int    `json:"pid"`
	Start      uint64 `json:"start"`
	Pasta      int    `json:"pasta_pid,omitempty"`
	PastaStart uint64 `json:"pasta_start,omitempty"`
}

func readHolder(dir string) (*holderState, error) {
	b, err := os.ReadFile(filepath.Join(dir, "holder.json"))
	if err != nil {
		return nil, err
	}
	var st holderState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("read network holder state: %w", err)
	}
	return &st, nil
}

func writeHolder(dir string, st *holderState) error {
	b, _ := json.Marshal(st)
	if err := os.WriteFile(filepath.Join(dir, "holder.json"), b, 0o600); err != nil {
		return fmt.Errorf("write network holder state: %w", err)
	}
	return nil
}

// ensureHolder returns the pid of the network's running holder, starting
// it when there is none, with the pasta that connects it to the host
// unless the network has outbound = false.
// The caller holds the network lock.
func ensureHolder(dir string, n *Plan, start StartHolder) (int, error) {
	if st, err := readHolder(dir); err == nil && proc.SameProcess(st.Pid, st.Start) {
		return st.Pid, nil
	}
	stopHolder(dir) // what a crash left
	cmd, err := start(dir)
	if err != nil {
		return 0, err
	}
	reapLater(cmd)
	pid := cmd.Process.Pid
	st := &holderState{Pid: pid, Start: proc.StartTime(pid)}
	if err := writeHolder(dir, st); err != nil {
		stopPid(pid)
		awaitReaped(pid)
		return 0, err
	}
	if !n.Outbound {
		return pid, nil // no way out: peers and published ports only
	}
	if st.Pasta, err = startHolderPasta(dir, pid); err != nil {
		stopHolder(dir)
		return 0, err
	}
	st.PastaStart = proc.StartTime(st.Pasta)
	return pid, writeHolder(dir, st)
}

// startHolderPasta connects the holder's namespace to the host: the
// host's address and routes on an interface there, outbound traffic
// through the user's own sockets, nothing from inside to the host's
// loopback and no ports (the launchers publish those, see holderOps.dial).
// pasta outlives the launcher that started it: it goes with the holder.
func startHolderPasta(dir string, holder int) (int, error) {
	fifo := filepath.Join(dir, "pasta.pid")
	os.Remove(fifo)
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		return 0, fmt.Errorf("make pasta pid fifo: %w", err)
	}
	defer os.Remove(fifo)
	f, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		return 0, fmt.Errorf("open pasta pid fifo: %w", err)
	}
	defer f.Close()
	errPath := filepath.Join(dir, "pasta.err")
	errFile, err := os.Create(errPath)
	if err != nil {
		return 0, fmt.Errorf("make pasta's error file: %w", err)
	}
	defer os.Remove(errPath)
	defer errFile.Close()
	cmd := exec.Command("pasta", PastaArgs(&Plan{}, fifo, holder)...)
	cmd.Stderr = errFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start pasta: %w (%s)", err, PastaMissing)
	}
	reapLater(cmd)
	go func() { awaitReaped(cmd.Process.Pid); f.SetReadDeadline(time.Now()) }()
	if k, err := f.Read(make([]byte, 32)); err != nil || k == 0 {
		cmd.Process.Kill()
		awaitReaped(cmd.Process.Pid)
		said, _ := os.ReadFile(errPath)
		return 0, fmt.Errorf("pasta could not connect the network's namespace: %s", pastaSaid(string(said)))
	}
	return cmd.Process.Pid, nil
}

// stopHolder kills the network's pasta and holder, while they are the
// processes its state names, and removes their files.
func stopHolder(dir string) error {
	st, err := readHolder(dir)
	if err == nil {
		for _, p := range []struct {
			pid   int
			start uint64
		}{{st.Pasta, st.PastaStart}, {st.Pid, st.Start}} {
			if proc.SameProcess(p.pid, p.start) {
				stopPid(p.pid)
				awaitReaped(p.pid)
			}
		}
	}
	os.Remove(filepath.Join(dir, holderSock))
	if err := os.Remove(filepath.Join(dir, "holder.json")); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("remove network holder state: %w", err)
	}
	return nil
}
