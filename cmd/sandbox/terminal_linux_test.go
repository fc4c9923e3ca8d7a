package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher"
)

// Checklist 16: run on a terminal gives the sandbox a terminal of its own,
// so TIOCSTI inside cannot push input into the caller's terminal.
func TestRunOnTerminalGetsItsOwnPty(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	cfg := filepath.Join(t.TempDir(), "tty.hcl")
	body := fmt.Sprintf("sandbox \"tty\" {\n  rootfs = %q\n  command = [\"/probe\", \"tiocsti\"]\n}\n", rootfs)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	master, caller, err := launcher.OpenPTY() // the caller's terminal
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer caller.Close()
	var st syscall.Stat_t
	if err := syscall.Fstat(int(caller.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(master)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	e := newEnv()
	e.stdin, e.stdout, e.stderr, e.format = caller, caller, caller, "text"
	if err := e.run(cfg, "tty", nil); err != nil {
		t.Fatalf("run: %v", err)
	}
	want := fmt.Sprintf("stdin-rdev=%d ", st.Rdev)
	deadline := time.After(5 * time.Second)
	for {
		select {
		case line := <-lines:
			if !strings.HasPrefix(line, "stdin-rdev=") {
				continue
			}
			if strings.HasPrefix(line, want) {
				t.Fatalf("the sandbox's stdin is the caller's terminal: %q", line)
			}
			return
		case <-deadline:
			t.Fatal("no report from the probe on the terminal")
		}
	}
}
