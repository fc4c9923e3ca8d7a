package main

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// ociRuntimes are the OCI runtimes an exported bundle must run under, each
// as a command line that runs BUNDLE as container ID. Debian's crun 1.8.1
// refuses a hybrid cgroup layout's unified hierarchy, so it runs in a
// private mount namespace without it (a no-op elsewhere).
var ociRuntimes = map[string]func(bundle, id string) []string{
	"runc": func(bundle, id string) []string {
		return []string{"runc", "run", "--bundle", bundle, id}
	},
	"crun": func(bundle, id string) []string {
		return []string{"unshare", "-m", "--propagation", "private", "sh", "-c",
			`umount /sys/fs/cgroup/unified 2>/dev/null; exec crun run --bundle "$0" "$1"`, bundle, id}
	},
}

// ociPayload prints what isolation it sees, waits so that the test can
// read its cgroup from the host, and exits with a code of its own.
const ociPayload = `sandbox "ocitest" {
  rootfs {
    source = "./rootfs"
    mode   = "readonly"
  }
  hostname = "oci-host"
  workdir  = "/tmp"
  init     = false
  env      = { MARKER = "%s" }
  limits {
    memory = "48MiB"
    pids   = 32
  }
  command = ["/bin/sh", "-c", "echo host=$(hostname) pid=$$ cwd=$(pwd) marker=$MARKER; ls /; sleep 1; exit 7"]
}
`

// runResult is what one runner of the payload showed.
type runResult struct {
	code         int
	stdout       string
	memoryLimit  string
	stderrOnFail string
}

// TestExportOCIRuntimes exports a busybox sandbox as an OCI bundle and runs
// it under runc and crun: output, exit code, hostname, PID 1 and the memory
// limit of its cgroup must be what `sandbox run` shows.
func TestExportOCIRuntimes(t *testing.T) {
	bin, dir := batchSetup(t)
	marker := fmt.Sprintf("oci-export-%d", os.Getpid())
	file := writeHCL(t, dir, "oci.hcl", fmt.Sprintf(ociPayload, marker))
	bundle := filepath.Join(dir, "bundle")
	if out, err := exec.Command(bin, "export", "oci", file, "ocitest", "--out", bundle).CombinedOutput(); err != nil {
		t.Fatalf("sandbox export oci: %v\n%s", err, out)
	}
	want := runAndWatch(t, marker, []string{bin, "run", file, "ocitest"})
	if want.code != 7 || !strings.Contains(want.stdout, "host=oci-host pid=1 cwd=/tmp marker="+marker) || want.memoryLimit != "50331648" {
		t.Fatalf("sandbox run: exit %d, output %q, memory limit %q; want 7, the isolation and 50331648\n%s",
			want.code, want.stdout, want.memoryLimit, want.stderrOnFail)
	}
	for _, name := range []string{"runc", "crun"} {
		t.Run(name, func(t *testing.T) {
			if _, err := exec.LookPath(name); err != nil {
				testenv.Missing(t, "%s is not installed (Debian's %s)", name, name)
			}
			id := fmt.Sprintf("sandbox-oci-test-%d-%s", os.Getpid(), name)
			t.Cleanup(func() { deleteContainer(name, id) })
			got := runAndWatch(t, marker, ociRuntimes[name](bundle, id))
			if got.code != want.code || got.stdout != want.stdout || got.memoryLimit != want.memoryLimit {
				t.Errorf("%s run: exit %d, memory limit %q, output\n%s\nwant exit %d, memory limit %q, output\n%s\nstderr:\n%s",
					name, got.code, got.memoryLimit, got.stdout, want.code, want.memoryLimit, want.stdout, got.stderrOnFail)
			}
		})
	}
}

// runAndWatch runs argv and, while it runs, reads the memory limit of the
// cgroup of the process whose environment holds marker.
func runAndWatch(t *testing.T, marker string, argv []string) runResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", argv, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var limit string
	var err error
	for waiting := true; waiting; {
		select {
		case err = <-done:
			waiting = false
		case <-time.After(20 * time.Millisecond):
			if limit == "" {
				limit = memoryLimitOf(marker)
			}
		}
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("run %v: %v", argv, err)
	}
	return runResult{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), memoryLimit: limit, stderrOnFail: stderr.String()}
}

// memoryLimitOf finds a process whose environment holds marker and reads
// its cgroup's memory limit as the host sees it, v1 or v2; "" if none.
func memoryLimitOf(marker string) string {
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		env, err := os.ReadFile(p + "/environ")
		if err != nil || !bytes.Contains(env, []byte("MARKER="+marker)) {
			continue
		}
		cg, err := os.ReadFile(p + "/cgroup")
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(cg), "\n") {
			f := strings.SplitN(line, ":", 3)
			if len(f) != 3 {
				continue
			}
			var file string
			switch {
			case strings.Contains(","+f[1]+",", ",memory,"):
				file = filepath.Join("/sys/fs/cgroup/memory", f[2], "memory.limit_in_bytes")
			case f[0] == "0" && f[1] == "":
				file = filepath.Join("/sys/fs/cgroup", f[2], "memory.max")
			}
			if b, err := os.ReadFile(file); file != "" && err == nil {
				if v := strings.TrimSpace(string(b)); v != "max" && v != "9223372036854771712" {
					return v
				}
			}
		}
	}
	return ""
}

// deleteContainer removes a container the runtime left, if any.
func deleteContainer(runtime, id string) {
	argv := []string{runtime, "delete", "-f", id}
	if runtime == "crun" {
		argv = []string{"unshare", "-m", "--propagation", "private", "sh", "-c",
			`umount /sys/fs/cgroup/unified 2>/dev/null; exec crun delete -f "$0"`, id}
	}
	exec.Command(argv[0], argv[1:]...).Run()
}

// TestExportLeavesOutSetuidAndDevices exports a tarball sandbox whose
// rootfs has a setuid-root copy of a shell and the host's loop and memory
// devices (kept in the cache with devices = "keep"): the bundle, which
// may sit where others reach it, must hold neither the setuid bit nor the
// nodes, and the export says so.
func TestExportLeavesOutSetuidAndDevices(t *testing.T) {
	testenv.RequireRoot(t)
	work := t.TempDir()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range []*tar.Header{
		{Name: "bin/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "bin/suid-sh", Typeflag: tar.TypeReg, Mode: 0o4755, Size: 4},
		{Name: "bin/sgid", Typeflag: tar.TypeReg, Mode: 0o2755, Size: 4},
		{Name: "dev/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "dev/loop0", Typeflag: tar.TypeBlock, Mode: 0o666, Devmajor: 7},
		{Name: "dev/mem", Typeflag: tar.TypeChar, Mode: 0o666, Devmajor: 1, Devminor: 1},
		{Name: "tmp/", Typeflag: tar.TypeDir, Mode: 0o1777},
	} {
		tw.WriteHeader(h)
		if h.Size > 0 {
			tw.Write([]byte("#!x\n"))
		}
	}
	tw.Close()
	os.WriteFile(filepath.Join(work, "root.tar"), buf.Bytes(), 0o644)
	os.WriteFile(filepath.Join(work, "x.hcl"), []byte(`sandbox "x" {
  rootfs {
    source  = "./root.tar"
    devices = "keep"
  }
  command = ["/bin/suid-sh"]
}
`), 0o644)
	cmd := sandboxCommand(work, "export", "oci", "x.hcl", "x", "--out", "bundle")
	cmd.Env = append(os.Environ(), "SANDBOX_HOME="+filepath.Join(work, "home"), "SANDBOX_RUN="+filepath.Join(work, "run"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	root := filepath.Join(work, "bundle", "rootfs")
	for _, f := range []string{"bin/suid-sh", "bin/sgid"} {
		info, err := os.Stat(filepath.Join(root, f))
		if err != nil || info.Mode()&(os.ModeSetuid|os.ModeSetgid) != 0 || info.Mode().Perm() != 0o755 {
			t.Errorf("%s in the bundle: %v, %v; want mode 0755 without setuid or setgid", f, info, err)
		}
	}
	for _, f := range []string{"dev/loop0", "dev/mem"} {
		if _, err := os.Lstat(filepath.Join(root, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s in the bundle: %v; want it left out", f, err)
		}
	}
	if info, err := os.Stat(filepath.Join(root, "tmp")); err != nil || info.Mode()&os.ModeSticky == 0 {
		t.Errorf("tmp in the bundle: %v, %v; want it sticky still", info, err)
	}
	if !strings.Contains(string(out), "leaves out 2 device nodes or sockets and clears the setuid and setgid bits of 2 files") {
		t.Errorf("export said %q; want a warning counting what it left out", out)
	}
}
