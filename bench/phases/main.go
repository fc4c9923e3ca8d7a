// Command phases times each phase of a cold `sandbox run` of /bin/true:
// from the exec of the launcher to its first mark, between the marks the
// launcher writes when SANDBOX_PHASES names a file (internal/phase), and
// from its last mark to the end of the process, each the median of many
// runs. It says where a start's time goes, step by step. With -empty, it
// then times the first phase on its own: `sandbox --version` against a
// Go program that does nothing, and which modules' package initialisers
// take that time.
//
//	make bench-phases        # as root; RUNS=100 for more samples
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hclsandbox/sandbox/internal/phase"
)

func main() {
	bin := flag.String("sandbox", "bin/sandbox", "the sandbox binary")
	rootfs := flag.String("rootfs", "examples/rootfs/busybox", "a root filesystem with /bin/true")
	runs := flag.Int("runs", 60, "starts to time")
	empty := flag.String("empty", "", "a Go program that does nothing (bench/empty): also time the launcher's own start against it")
	flag.Parse()
	err := run(*bin, *rootfs, *runs)
	if err == nil && *empty != "" {
		err = initCost(*bin, *empty, *runs)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "phases: %v\n", err)
		os.Exit(1)
	}
}

func run(bin, rootfs string, runs int) error {
	work, err := os.MkdirTemp("", "bench-phases.")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	// Every run leaves a receipt under its project: this one's is taken
	// down at the end, so that the bench leaves nothing behind.
	project := fmt.Sprintf("bench-phases-%d", os.Getpid())
	defer exec.Command(bin, "down", "--project", project).Run()
	if rootfs, err = filepath.Abs(rootfs); err != nil {
		return err
	}
	file := filepath.Join(work, "true.hcl")
	// The sandbox of bench/startup.sh: a read-only root, as crun's.
	hcl := fmt.Sprintf("sandbox \"phases\" {\n  rootfs {\n    source = %q\n    mode   = \"readonly\"\n  }\n"+
		"  command = [\"/bin/true\"]\n  limits {\n    memory = \"256MiB\"\n    pids   = 64\n  }\n}\n", rootfs)
	if err := os.WriteFile(file, []byte(hcl), 0o644); err != nil {
		return err
	}
	var order []string
	times := map[string][]time.Duration{}
	for i := -5; i < runs; i++ { // five to warm the caches
		marks, err := startOnce(bin, project, file, filepath.Join(work, "marks"))
		if err != nil {
			return err
		}
		if i < 0 {
			if i == -1 {
				time.Sleep(settle)
			}
			continue
		}
		for _, m := range marks {
			if _, ok := times[m.name]; !ok {
				order = append(order, m.name)
			}
			times[m.name] = append(times[m.name], m.took)
		}
	}
	print(order, times, runs)
	return nil
}

// settle is how long the launcher's first starts need before they are
// like every later one: a new build copies its child into a cache whose
// record of the copy's check vouches for it only once the copy is a second
// older than the record (racily clean, as git says); until then each start
// hashes the 2.6 MB child again.
const settle = 1100 * time.Millisecond

// mark is a phase and how long it took.
type mark struct {
	name string
	took time.Duration
}

// startOnce runs `sandbox run file phases` in project with its marks going to path,
// and returns its phases: each mark's, the first counted from the exec,
// and "exit" after the last.
func startOnce(bin, project, file, path string) ([]mark, error) {
	os.Remove(path)
	cmd := exec.Command(bin, "run", "--project", project, file, "phases")
	cmd.Env = append(os.Environ(), "SANDBOX_PHASES="+path)
	t0 := phase.Now()
	out, err := cmd.CombinedOutput()
	t1 := phase.Now()
	if err != nil {
		return nil, fmt.Errorf("%s run: %v\n%s", bin, err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("the launcher wrote no marks (built without them?): %w", err)
	}
	defer f.Close()
	var marks []mark
	prev := t0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		i := strings.LastIndexByte(line, ' ')
		t, err := strconv.ParseInt(line[i+1:], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("mark %q: %v", sc.Text(), err)
		}
		marks = append(marks, mark{line[:max(i, 0)], time.Duration(t - prev)})
		prev = t
	}
	return append(marks, mark{"exit", time.Duration(t1 - prev)}), sc.Err()
}

func print(order []string, times map[string][]time.Duration, runs int) {
	fmt.Printf("phases of a cold sandbox run of /bin/true, median of %d runs:\n", runs)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	var total time.Duration
	for _, name := range order {
		d := median(times[name])
		total += d
		fmt.Fprintf(w, "  %s\t%.2f ms\n", name, ms(d))
	}
	fmt.Fprintf(w, "  (sum of the medians)\t%.2f ms\n", ms(total))
	w.Flush()
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
