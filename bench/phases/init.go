package main

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hclsandbox/sandbox/internal/phase"
)

// initCost times `sandbox --version` against a Go program that does
// nothing (empty), alternating the two, and sums the time the package
// initialisers of each module take (GODEBUG=inittrace=1): the part of
// every start that is the launcher's size and its dependencies' init.
func initCost(bin, empty string, runs int) error {
	var launcher, bare []time.Duration
	byModule := map[string][]time.Duration{}
	for i := -5; i < runs; i++ {
		l, err := timeExec(bin, "--version")
		if err != nil {
			return err
		}
		b, err := timeExec(empty)
		if err != nil {
			return err
		}
		inits, err := initTimes(bin)
		if err != nil {
			return err
		}
		if i < 0 {
			continue
		}
		launcher, bare = append(launcher, l), append(bare, b)
		for m, d := range inits {
			byModule[m] = append(byModule[m], d)
		}
	}
	printInit(launcher, bare, byModule, runs)
	return nil
}

// timeExec runs bin with args and returns how long it took.
func timeExec(bin string, args ...string) (time.Duration, error) {
	t0 := phase.Now()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("%s: %v\n%s", bin, err, out)
	}
	return time.Duration(phase.Now() - t0), nil
}

// initTimes runs `bin --version` with GODEBUG=inittrace=1 and sums the
// clock time of the package initialisers of each module; the standard
// library is one module, "std".
func initTimes(bin string) (map[string]time.Duration, error) {
	cmd := exec.Command(bin, "--version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s --version: %v\n%s", bin, err, stderr.Bytes())
	}
	out := map[string]time.Duration{}
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		// init PACKAGE @START ms, CLOCK ms clock, BYTES bytes, N allocs
		f := strings.Fields(sc.Text())
		if len(f) < 7 || f[0] != "init" || f[6] != "clock," {
			continue
		}
		clock, err := strconv.ParseFloat(f[4], 64)
		if err != nil {
			continue
		}
		out[module(f[1])] += time.Duration(clock * float64(time.Millisecond))
	}
	return out, sc.Err()
}

// module is the module a package path belongs to, as far as its path
// tells: the first three elements of a path whose first has a dot.
func module(pkg string) string {
	parts := strings.Split(pkg, "/")
	if !strings.Contains(parts[0], ".") {
		return "std"
	}
	return strings.Join(parts[:min(3, len(parts))], "/")
}

// printInit prints the two starts' medians and the modules whose
// initialisers took most, each as its median over the runs (a run where
// a module took nothing counts as zero).
func printInit(launcher, bare []time.Duration, byModule map[string][]time.Duration, runs int) {
	fmt.Printf("\nthe launcher's start (sandbox --version) against a Go program that does nothing, median of %d:\n", runs)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "  sandbox --version\t%.2f ms\n", ms(median(launcher)))
	fmt.Fprintf(w, "  empty Go program\t%.2f ms\n", ms(median(bare)))
	w.Flush()
	type row struct {
		module string
		took   time.Duration
	}
	var rows []row
	var total time.Duration
	for m, ds := range byModule {
		for len(ds) < runs {
			ds = append(ds, 0)
		}
		took := median(ds)
		rows = append(rows, row{m, took})
		total += took
	}
	slices.SortFunc(rows, func(a, b row) int { return cmp.Compare(b.took, a.took) })
	fmt.Printf("package initialisers by module (GODEBUG=inittrace=1, which slows them), median of %d: %.2f ms in all\n", runs, ms(total))
	w = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	for _, r := range rows[:min(8, len(rows))] {
		fmt.Fprintf(w, "  %s\t%.2f ms\n", r.module, ms(r.took))
	}
	w.Flush()
}
