// Package slurmtest starts a real single-node Slurm cluster for tests:
// munged, slurmctld and slurmd from Debian's packages, on localhost, with
// their configuration, keys, state and logs in a test's temp directory.
// The daemons run in the foreground as children of the test and are
// stopped, by pid, when the test ends.
package slurmtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Cluster is a running single-node cluster.
type Cluster struct {
	// Dir holds the configuration, keys, state and logs.
	Dir string
	// Conf is slurm.conf; client commands find it through SLURM_CONF.
	Conf    string
	daemons []*exec.Cmd
}

// tools are the programs a cluster needs, with the Debian package of each.
var tools = map[string]string{"munged": "munge", "slurmctld": "slurmctld", "slurmd": "slurmd",
	"sbatch": "slurm-client", "sinfo": "slurm-client", "squeue": "slurm-client", "scontrol": "slurm-client", "scancel": "slurm-client"}

// Start starts a cluster and sets SLURM_CONF for the rest of the test. It
// skips the test when not root or when a program is missing.
func Start(t *testing.T) *Cluster {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a Slurm cluster needs root")
	}
	for tool, pkg := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian package %s; `make test-slurm` installs it)", tool, pkg)
		}
	}
	dir := t.TempDir()
	c := &Cluster{Dir: dir, Conf: filepath.Join(dir, "slurm.conf")}
	t.Cleanup(func() { c.stop(t) })
	if err := c.configure(); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SLURM_CONF", c.Conf)
	c.start(t, "munged", "-F", "--socket="+c.path("run/munge.socket"), "--key-file="+c.path("munge/munge.key"),
		"--pid-file="+c.path("run/munged.pid"), "--log-file="+c.path("log/munged.log"), "--seed-file="+c.path("munge/seed"))
	c.waitFor(t, "munge socket", func() bool { _, err := os.Stat(c.path("run/munge.socket")); return err == nil })
	c.start(t, "slurmctld", "-D", "-f", c.Conf)
	c.start(t, "slurmd", "-D", "-f", c.Conf, "-N", nodeName())
	c.waitFor(t, "an idle node", func() bool {
		out, _ := c.Command("sinfo", "-h", "-o", "%t").Output()
		return strings.TrimSpace(string(out)) == "idle"
	})
	return c
}

func (c *Cluster) path(rel string) string { return filepath.Join(c.Dir, rel) }

// configure writes the munge key and slurm.conf. munged insists that its
// socket's directory is searchable by everyone and its key private.
func (c *Cluster) configure() error {
	for _, d := range []struct {
		rel  string
		mode os.FileMode
	}{{"", 0o755}, {"run", 0o755}, {"munge", 0o700}, {"log", 0o755}, {"state", 0o755}, {"spool", 0o755}} {
		if err := os.MkdirAll(c.path(d.rel), d.mode); err != nil {
			return err
		}
		if err := os.Chmod(c.path(d.rel), d.mode); err != nil {
			return err
		}
	}
	// t.TempDir's parent is private too.
	if err := os.Chmod(filepath.Dir(c.Dir), 0o755); err != nil {
		return err
	}
	key := make([]byte, 1024)
	f, err := os.Open("/dev/urandom")
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Read(key); err != nil {
		return err
	}
	if err := os.WriteFile(c.path("munge/munge.key"), key, 0o400); err != nil {
		return err
	}
	conf := fmt.Sprintf(confTemplate, nodeName(), freePort(), freePort(), c.path("run/munge.socket"), c.path("state"), c.path("spool"),
		c.path("run/slurmctld.pid"), c.path("run/slurmd.pid"), c.path("log/slurmctld.log"), c.path("log/slurmd.log"), nodeName(), nodeName())
	return os.WriteFile(c.Conf, []byte(conf), 0o644)
}

// confTemplate is one node with 8 schedulable CPUs (more than the test VM
// has, so that a batch runs many jobs at once) and consumable memory, so
// that --mem is accounted (a job without --mem gets 128 MiB a CPU, not the
// whole node). No cgroup plugins: nothing is left in the host's
// cgroup tree, and a hybrid layout does not matter.
const confTemplate = `ClusterName=sandboxtest
SlurmctldHost=%s(127.0.0.1)
SlurmctldPort=%d
SlurmdPort=%d
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=%s
SlurmUser=root
SlurmdUser=root
StateSaveLocation=%s
SlurmdSpoolDir=%s
SlurmctldPidFile=%s
SlurmdPidFile=%s
SlurmctldLogFile=%s
SlurmdLogFile=%s
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SlurmdParameters=config_overrides
DefMemPerCPU=128
KillWait=30
MinJobAge=600
ReturnToService=2
NodeName=%s NodeAddr=127.0.0.1 CPUs=8 RealMemory=4096 State=UNKNOWN
PartitionName=test Nodes=%s Default=YES MaxTime=INFINITE State=UP
`

// nodeName is this host's short name, which slurmd registers as.
func nodeName() string {
	h, _ := os.Hostname()
	h, _, _ = strings.Cut(h, ".")
	return h
}

// freePort is a TCP port that nothing listens on now.
func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 16817
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start runs a daemon in the foreground, its output in log/NAME.out.
func (c *Cluster) start(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := os.Create(c.path("log/" + name + ".out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	c.daemons = append(c.daemons, cmd)
}

// waitFor polls ready for 30s, then fails with the daemons' logs.
func (c *Cluster) waitFor(t *testing.T, what string, ready func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ready() {
			return
		}
	}
	t.Fatalf("Slurm test cluster: no %s after 30s\n%s", what, c.Logs())
}

// Command is a client command that talks to this cluster, whatever
// SLURM_CONF the process has (test cleanups restore it before this
// cluster's stop runs).
func (c *Cluster) Command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "SLURM_CONF="+c.Conf)
	return cmd
}

// Logs returns the daemons' output, for failure messages.
func (c *Cluster) Logs() string {
	var b strings.Builder
	for _, name := range []string{"munged", "slurmctld", "slurmd"} {
		out, _ := os.ReadFile(c.path("log/" + name + ".out"))
		fmt.Fprintf(&b, "--- %s:\n%s", name, out)
	}
	return b.String()
}

// stop cancels every job, then stops the daemons in reverse order: SIGTERM
// to each one's pid, SIGKILL after 10s.
func (c *Cluster) stop(t *testing.T) {
	if len(c.daemons) == 3 {
		c.Command("scancel", "--full", "--user=root").Run()
		for i := 0; i < 50; i++ {
			out, _ := c.Command("squeue", "-h").Output()
			if strings.TrimSpace(string(out)) == "" {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	for i := len(c.daemons) - 1; i >= 0; i-- {
		cmd := c.daemons[i]
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Logf("%s did not stop on SIGTERM; killing pid %d", cmd.Path, cmd.Process.Pid)
			cmd.Process.Kill()
			<-done
		}
	}
}
