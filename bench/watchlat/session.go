package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// session is one `sandbox up --watch` of one binary on its own files.
type session struct {
	bin, dir, watched string
	cmd               *exec.Cmd
	lines             chan string
}

// startSession writes the sandbox's files into a new directory, starts
// bin's up --watch on them and waits for the first start.
func startSession(bin, rootfs string, debounce time.Duration) (*session, error) {
	dir, err := os.MkdirTemp("", "watchlat-")
	if err != nil {
		return nil, err
	}
	s := &session{bin: bin, dir: dir, watched: filepath.Join(dir, "app", "main.txt")}
	if err := s.write(rootfs, debounce); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.cmd = exec.Command(bin, "up", "--watch", filepath.Join(dir, "watch.hcl"))
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.cmd.Stderr = io.Discard // the status lines
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.lines = make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	if err := s.await(10 * time.Second); err != nil {
		s.close()
		return nil, fmt.Errorf("%s: first start: %w", bin, err)
	}
	return s, nil
}

// write makes the watched file and the HCL file of the sandbox.
func (s *session) write(rootfs string, debounce time.Duration) error {
	if err := os.MkdirAll(filepath.Dir(s.watched), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(s.watched, nil, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.dir, "watch.hcl"), []byte(fmt.Sprintf(`sandbox "watchlat" {
  rootfs       = %q
  command      = ["/bin/sh", "-c", "echo ready; exec sleep 1000"]
  stop_timeout = "2s"
  watch {
    paths    = ["./app"]
    debounce = %q
  }
}
`, rootfs, debounce.String())), 0o644)
}

// relaunch writes content into the watched file and times the wait for
// the relaunched sandbox's first line.
func (s *session) relaunch(content string) (time.Duration, error) {
	start := time.Now()
	if err := os.WriteFile(s.watched, []byte(content), 0o644); err != nil {
		return 0, err
	}
	if err := s.await(5 * time.Second); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// close interrupts the supervisor, waits for it and removes the files
// and the receipts of its runs.
func (s *session) close() {
	s.cmd.Process.Signal(syscall.SIGINT)
	s.cmd.Wait()
	down(s.bin, s.dir)
	os.RemoveAll(s.dir)
}

// await waits for the sandbox's "ready" line.
func (s *session) await(timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				return fmt.Errorf("sandbox up --watch ended")
			}
			if l == "ready" {
				return nil
			}
		case <-t.C:
			return fmt.Errorf("no output line within %v", timeout)
		}
	}
}
