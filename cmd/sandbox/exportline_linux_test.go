package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	probereport "github.com/hclsandbox/sandbox/internal/probe/report"
	"github.com/hclsandbox/sandbox/internal/testenv"
)

// exportProbe is a sandbox that runs the probe with a read-only rootfs, a
// read-only bind and a tmpfs, and an environment value and a probe
// argument that only survive correct shell quoting.
const exportProbe = `sandbox %q {
  rootfs {
    source = %q
    mode   = "readonly"
  }
  hostname = "rt-host"
  workdir  = "/tmp"
  init     = false
  env      = { MSG = "it's $HOME \"q\" $(id) ` + "`id`" + `\nline two" }
  mount {
    type     = "bind"
    source   = %q
    target   = "/data"
    readonly = true
  }
  mount {
    type   = "tmpfs"
    target = "/scratch"
  }
  command = ["/probe", "report", "/no such 'file' $x"]
}
`

// exportTarget is one tool an exported command line runs under: why it
// cannot run here (or ""), how to prepare and clean up, and the fields of
// the probe's report it can express.
type exportTarget struct {
	unavailable func() string
	prepare     func(t *testing.T, name, rootfs string)
	compare     func(t *testing.T, want, got *probereport.Report)
}

var exportTargets = map[string]exportTarget{
	"bwrap":       {unavailable: bwrapUnavailable, compare: compareBwrap},
	"systemd-run": {unavailable: systemdUnavailable, compare: compareSystemd},
	"docker":      {unavailable: dockerUnavailable, prepare: dockerImport, compare: compareDocker},
}

// TestExportLineRoundTrip runs the probe under sandbox run and under the
// command line each export target prints, run by sh, and compares what
// the probe sees on every field the target can express.
func TestExportLineRoundTrip(t *testing.T) {
	testenv.RequireRoot(t)
	bin, err := exec.LookPath("sandbox")
	if err != nil {
		t.Skip("the sandbox command is only on PATH under testscript.Main")
	}
	dir := t.TempDir()
	rootfs := testenv.Rootfs(t)
	data := filepath.Join(dir, "data dir's")
	os.Mkdir(data, 0o755)
	name := fmt.Sprintf("rt%d", os.Getpid())
	file := writeHCL(t, dir, "rt.hcl", fmt.Sprintf(exportProbe, name, rootfs, data))
	want := runProbe(t, exec.Command(bin, "run", file, name))
	for _, target := range []string{"bwrap", "systemd-run", "docker"} {
		t.Run(target, func(t *testing.T) {
			tg := exportTargets[target]
			if why := tg.unavailable(); why != "" {
				t.Skip(why)
			}
			if tg.prepare != nil {
				tg.prepare(t, name, rootfs)
			}
			bpf := filepath.Join(dir, target+".seccomp")
			var line, warnings bytes.Buffer
			cmd := exec.Command(bin, "export", target, file, name, "--seccomp-out", bpf)
			cmd.Stdout, cmd.Stderr = &line, &warnings
			if err := cmd.Run(); err != nil {
				t.Fatalf("sandbox export %s: %v\n%s", target, err, warnings.String())
			}
			got := runProbe(t, exec.Command("sh", "-c", line.String()))
			tg.compare(t, want, got)
		})
	}
}

// runProbe runs cmd and decodes the probe's report from its output.
func runProbe(t *testing.T, cmd *exec.Cmd) *probereport.Report {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, stderr.String())
	}
	var r probereport.Report
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%v: decode the probe's report: %v\n%s\n%s", cmd.Args, err, out, stderr.String())
	}
	return &r
}

func bwrapUnavailable() string {
	if _, err := exec.LookPath("bwrap"); err != nil {
		return "bwrap is not installed (Debian's bubblewrap package has it)"
	}
	return ""
}

// systemdUnavailable: systemd-run starts a transient unit through the
// service manager, which only exists when systemd is PID 1 (sd_booted
// checks /run/systemd/system).
func systemdUnavailable() string {
	if _, err := exec.LookPath("systemd-run"); err != nil {
		return "systemd-run is not installed"
	}
	if _, err := os.Stat("/run/systemd/system"); err != nil {
		comm, _ := os.ReadFile("/proc/1/comm")
		return fmt.Sprintf("PID 1 is %s, not systemd: systemd-run has no service manager to start a unit", strings.TrimSpace(string(comm)))
	}
	return ""
}

func dockerUnavailable() string {
	if _, err := exec.LookPath("docker"); err != nil {
		return "docker is not installed"
	}
	if out, err := exec.Command("docker", "info").CombinedOutput(); err != nil {
		return fmt.Sprintf("docker info fails, no daemon to run a container: %v: %s", err, lastLine(out))
	}
	return ""
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// dockerImport makes the image the exported command line names from the
// rootfs, as the export's warning says, and removes it after the test.
func dockerImport(t *testing.T, name, rootfs string) {
	image := "sandbox-" + name
	cmd := exec.Command("sh", "-c", `tar -C "$0" -c . | docker import - "$1"`, rootfs, image)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker import: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("docker", "rmi", "-f", image).Run() })
}

// isolated is, for each namespace kind, whether the report's differs
// from the test's own.
func isolated(r *probereport.Report) map[string]bool {
	out := map[string]bool{}
	for kind, ino := range r.Namespaces {
		var st syscall.Stat_t
		if syscall.Stat("/proc/self/ns/"+kind, &st) == nil {
			out[kind] = st.Ino != ino
		}
	}
	return out
}

// without is env without the variables a tool adds of its own.
func without(env []string, names ...string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return slices.Contains(names, k)
	})
}

// readOnly maps each mount point to whether it is read-only.
func readOnly(r *probereport.Report) map[string]bool {
	out := map[string]bool{}
	for _, m := range r.Mounts {
		f := strings.Fields(m)
		if len(f) >= 4 {
			out[f[1]] = slices.Contains(strings.Split(f[3], ","), "ro")
		}
	}
	return out
}

// same reports a field that differs.
func same(t *testing.T, field string, want, got any) {
	t.Helper()
	w, _ := json.Marshal(want)
	g, _ := json.Marshal(got)
	if !bytes.Equal(w, g) {
		t.Errorf("%s = %s under the exported command line, %s under sandbox run", field, g, w)
	}
}

// sameStatus compares the named lines of /proc/self/status.
func sameStatus(t *testing.T, want, got *probereport.Report, keys ...string) {
	t.Helper()
	for _, k := range keys {
		same(t, "status "+k, want.Status[k], got.Status[k])
	}
}

// compareBwrap: everything but the bounding, inheritable and ambient
// capability sets, PWD, the /dev/core link and the host's /sys binds below
// /sys, each of which the export warns of.
func compareBwrap(t *testing.T, want, got *probereport.Report) {
	same(t, "hostname", want.Hostname, got.Hostname)
	same(t, "pid", want.Pid, got.Pid)
	same(t, "pids", want.Pids, got.Pids)
	same(t, "cwd", want.Cwd, got.Cwd)
	same(t, "cwd after climbing", want.CwdAfterUp, got.CwdAfterUp)
	same(t, "canary", want.CanarySeen, got.CanarySeen)
	same(t, "env", want.Env, without(got.Env, "PWD"))
	same(t, "isolated namespaces", isolated(want), isolated(got))
	same(t, "dev", want.Dev, slices.DeleteFunc(slices.Clone(got.Dev), func(n string) bool { return n == "core" }))
	sameStatus(t, want, got, "CapEff", "CapPrm", "NoNewPrivs", "Seccomp", "Uid", "Gid", "Groups")
	same(t, "root write", want.RootWrite, got.RootWrite)
	same(t, "open for writing", want.OpenWrite, got.OpenWrite)
	same(t, "masked", want.Masked, got.Masked)
	same(t, "exists", want.Exists, got.Exists)
	same(t, "interfaces", want.Interfaces, got.Interfaces)
	wantRO, gotRO := readOnly(want), readOnly(got)
	for mp, ro := range wantRO {
		if g, ok := gotRO[mp]; !ok || g != ro {
			t.Errorf("mount %s: read-only %v (present %v) under bwrap, read-only %v under sandbox run", mp, g, ok, ro)
		}
	}
	for mp := range gotRO {
		if _, ok := wantRO[mp]; !ok && !strings.HasPrefix(mp, "/sys/") {
			t.Errorf("mount %s is under bwrap only", mp)
		}
	}
}

// compareSystemd: what a service's properties give; systemd sets no
// hostname, shares the PID namespace before 257 and adds variables.
func compareSystemd(t *testing.T, want, got *probereport.Report) {
	same(t, "cwd", want.Cwd, got.Cwd)
	for _, kv := range want.Env {
		if !slices.Contains(got.Env, kv) {
			t.Errorf("env lacks %q under systemd-run: %q", kv, got.Env)
		}
	}
	w, g := isolated(want), isolated(got)
	for _, kind := range []string{"net", "ipc", "uts", "mnt"} {
		same(t, "isolated "+kind, w[kind], g[kind])
	}
	sameStatus(t, want, got, "CapEff", "CapBnd", "NoNewPrivs", "Uid", "Gid")
	same(t, "root write", want.RootWrite, got.RootWrite)
	same(t, "interfaces", want.Interfaces, got.Interfaces)
}

// compareDocker: docker adds HOSTNAME and keeps its own /dev and mounts.
func compareDocker(t *testing.T, want, got *probereport.Report) {
	same(t, "hostname", want.Hostname, got.Hostname)
	same(t, "pid", want.Pid, got.Pid)
	same(t, "cwd", want.Cwd, got.Cwd)
	same(t, "env", want.Env, without(got.Env, "HOSTNAME"))
	w, g := isolated(want), isolated(got)
	for _, kind := range []string{"net", "ipc", "uts", "pid", "mnt", "cgroup"} {
		same(t, "isolated "+kind, w[kind], g[kind])
	}
	sameStatus(t, want, got, "CapEff", "CapPrm", "CapBnd", "CapInh", "CapAmb", "NoNewPrivs", "Seccomp", "Uid", "Gid")
	same(t, "root write", want.RootWrite, got.RootWrite)
	same(t, "open for writing", want.OpenWrite, got.OpenWrite)
	same(t, "masked", want.Masked, got.Masked)
	same(t, "interfaces", want.Interfaces, got.Interfaces)
}

// exportHostView runs the probe, bound read-only from the test's build
// directory, in the host view: bwrap's empty root with the host's /usr,
// the merged-/usr links and the files of /etc, remounted read-only.
const exportHostView = `sandbox %q {
  hostname = "hv-host"
  init     = false
  mount {
    type     = "bind"
    source   = %q
    target   = "/opt/probe"
    readonly = true
  }
  command = ["/opt/probe/%s", "report"]
}
`

// TestExportBwrapHostView compares the probe's report under sandbox run
// and under the exported bwrap command line for a sandbox with no rootfs.
func TestExportBwrapHostView(t *testing.T) {
	testenv.RequireRoot(t)
	bin, err := exec.LookPath("sandbox")
	if err != nil {
		t.Skip("the sandbox command is only on PATH under testscript.Main")
	}
	if why := bwrapUnavailable(); why != "" {
		t.Skip(why)
	}
	probe := testenv.Probe(t)
	dir := t.TempDir()
	name := fmt.Sprintf("hv%d", os.Getpid())
	file := writeHCL(t, dir, "hv.hcl", fmt.Sprintf(exportHostView, name, filepath.Dir(probe), filepath.Base(probe)))
	want := runProbe(t, exec.Command(bin, "run", file, name))
	var line, warnings bytes.Buffer
	cmd := exec.Command(bin, "export", "bwrap", file, name, "--seccomp-out", filepath.Join(dir, "hv.bpf"))
	cmd.Stdout, cmd.Stderr = &line, &warnings
	if err := cmd.Run(); err != nil {
		t.Fatalf("sandbox export bwrap: %v\n%s", err, warnings.String())
	}
	compareBwrap(t, want, runProbe(t, exec.Command("sh", "-c", line.String())))
}
