// Command watchlat measures the relaunch latency of `sandbox up --watch`:
// the time from the write of a watched file to the first output line of
// the relaunched sandbox, printed beside the debounce that is part of it.
//
//	make bench-watch         # as root; RUNS=50 for more samples
//	bin/watchlat -peer OLD   # OLD, another build, timed in the same run
//
// The sandbox is a shell under the default isolation that prints a line
// and sleeps; each run writes the watched file once, after the previous
// relaunch has settled. With -peer, a second supervisor runs the peer
// binary on a copy of the same files, and the runs alternate between
// the two, so that both meet the same load.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	bin := flag.String("sandbox", "bin/sandbox", "the sandbox binary")
	peer := flag.String("peer", "", "another sandbox binary, timed alternately in the same run")
	rootfs := flag.String("rootfs", "examples/rootfs/busybox", "a root filesystem with /bin/sh and /bin/sleep")
	runs := flag.Int("runs", 20, "relaunches to time")
	debounce := flag.Duration("debounce", 100*time.Millisecond, "the sandbox's watch debounce")
	rows := flag.String("rows", os.Getenv("BENCH_ROWS"), "append a row of `make bench`'s table to this file")
	flag.Parse()
	bins := []string{*bin}
	if *peer != "" {
		bins = append(bins, *peer)
	}
	if err := run(bins, *rootfs, *runs, *debounce, *rows); err != nil {
		fmt.Fprintf(os.Stderr, "watchlat: %v\n", err)
		os.Exit(1)
	}
}

func run(bins []string, rootfs string, runs int, debounce time.Duration, rows string) error {
	rootfs, err := filepath.Abs(rootfs)
	if err != nil {
		return err
	}
	var sessions []*session
	defer func() {
		for _, s := range sessions {
			s.close()
		}
	}()
	for _, bin := range bins {
		s, err := startSession(bin, rootfs, debounce)
		if err != nil {
			return err
		}
		sessions = append(sessions, s)
	}
	lat := make([][]time.Duration, len(sessions))
	for i := range runs {
		for k, s := range sessions {
			time.Sleep(200 * time.Millisecond) // let the relaunch settle
			d, err := s.relaunch(strings.Repeat("x", i+1))
			if err != nil {
				return fmt.Errorf("%s: relaunch %d: %w", s.bin, i+1, err)
			}
			lat[k] = append(lat[k], d)
		}
	}
	fmt.Printf("relaunch latency, write to first line, %d runs:\n", runs)
	var over time.Duration
	for k, s := range sessions {
		slices.Sort(lat[k])
		median := lat[k][len(lat[k])/2]
		if k == 0 {
			over = median - debounce
		}
		fmt.Printf("  %s: median %v  min %v  max %v\n", s.bin, ms(median), ms(lat[k][0]), ms(lat[k][len(lat[k])-1]))
		fmt.Printf("  debounce %v; median - debounce = %v (target <= 10ms)\n", debounce, ms(median-debounce))
	}
	return appendRow(rows, over, debounce)
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

func ms(d time.Duration) time.Duration { return d.Round(100 * time.Microsecond) }

// down takes down the project of dir, where its runs left their receipts.
func down(bin, dir string) { exec.Command(bin, "down", dir).Run() }
