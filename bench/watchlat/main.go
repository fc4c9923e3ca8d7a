// Command watchlat measures the relaunch latency of `sandbox up --watch`:
// the time from the write of a watched file to the first output line of
// the relaunched sandbox, printed beside the debounce that is part of it.
//
//	make bench-watch         # as root; RUNS=50 for more samples
//
// The sandbox is a shell under the default isolation that prints a line
// and sleeps; each run writes the watched file once, after the previous
// relaunch has settled.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	bin := flag.String("sandbox", "bin/sandbox", "the sandbox binary")
	rootfs := flag.String("rootfs", "examples/rootfs/busybox", "a root filesystem with /bin/sh and /bin/sleep")
	runs := flag.Int("runs", 20, "relaunches to time")
	debounce := flag.Duration("debounce", 100*time.Millisecond, "the sandbox's watch debounce")
	rows := flag.String("rows", os.Getenv("BENCH_ROWS"), "append a row of `make bench`'s table to this file")
	flag.Parse()
	if err := run(*bin, *rootfs, *runs, *debounce, *rows); err != nil {
		fmt.Fprintf(os.Stderr, "watchlat: %v\n", err)
		os.Exit(1)
	}
}

func run(bin, rootfs string, runs int, debounce time.Duration, rows string) error {
	rootfs, err := filepath.Abs(rootfs)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "watchlat-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// The runs' receipts go under the project of dir; take it down too.
	defer exec.Command(bin, "down", dir).Run()
	watched := filepath.Join(dir, "app", "main.txt")
	if err := os.MkdirAll(filepath.Dir(watched), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(watched, nil, 0o644); err != nil {
		return err
	}
	hcl := filepath.Join(dir, "watch.hcl")
	if err := os.WriteFile(hcl, []byte(fmt.Sprintf(`sandbox "watchlat" {
  rootfs       = %q
  command      = ["/bin/sh", "-c", "echo ready; exec sleep 1000"]
  stop_timeout = "2s"
  watch {
    paths    = ["./app"]
    debounce = %q
  }
}
`, rootfs, debounce.String())), 0o644); err != nil {
		return err
	}
	cmd := exec.Command(bin, "up", "--watch", hcl)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = io.Discard // the status lines
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
	}()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	if err := await(lines, 10*time.Second); err != nil {
		return fmt.Errorf("first start: %w", err)
	}
	var lat []time.Duration
	for i := range runs {
		time.Sleep(200 * time.Millisecond) // let the relaunch settle
		start := time.Now()
		if err := os.WriteFile(watched, []byte(strings.Repeat("x", i+1)), 0o644); err != nil {
			return err
		}
		if err := await(lines, 5*time.Second); err != nil {
			return fmt.Errorf("relaunch %d: %w", i+1, err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	median := lat[len(lat)/2]
	fmt.Printf("relaunch latency, write to first line, %d runs:\n", runs)
	fmt.Printf("  median %v  min %v  max %v\n", ms(median), ms(lat[0]), ms(lat[len(lat)-1]))
	fmt.Printf("  debounce %v; median - debounce = %v (target <= 10ms)\n", debounce, ms(median-debounce))
	return appendRow(rows, median-debounce, debounce)
}

// appendRow adds the relaunch row to the table file of `make bench`.
func appendRow(rows string, over, debounce time.Duration) error {
	if rows == "" {
		return nil
	}
	f, err := os.OpenFile(rows, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	verdict := "holds"
	if over > 10*time.Millisecond {
		verdict = "missed"
	}
	fmt.Fprintf(f, "watch relaunch, over the debounce\t%v\tdebounce %v\t-\t<= 10ms\t%s\n", ms(over), debounce, verdict)
	return f.Close()
}

// await waits for the sandbox's "ready" line.
func await(lines <-chan string, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case l, ok := <-lines:
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

func ms(d time.Duration) time.Duration { return d.Round(100 * time.Microsecond) }
