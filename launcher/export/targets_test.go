package export

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// testPlan is a plan with a read-only rootfs, a read-write and an optional
// read-only bind, a tmpfs, limits, rlimits, a user and a seccomp filter.
func testPlan() *launcher.Plan {
	swap := uint64(0)
	return &launcher.Plan{
		Name: "web", Namespaces: []string{"uts", "pid", "mount", "ipc", "net", "cgroup"},
		Spec: isolation.Spec{
			Root: isolation.Root{Source: "/srv/root fs", Readonly: true, Flags: []string{"nosuid", "nodev"}},
			Mounts: []isolation.Mount{
				{Kind: isolation.KindFS, Target: "/proc", FSType: "proc", Flags: []string{"nosuid", "nodev", "noexec"}},
				{Kind: isolation.KindFS, Target: "/dev", FSType: "tmpfs", Flags: []string{"nosuid", "noexec"}, Data: "mode=0755,size=64k"},
				{Kind: isolation.KindBind, Source: "/dev/null", Target: "/dev/null"},
				{Kind: isolation.KindSymlink, Source: "/proc/self/fd", Target: "/dev/fd"},
				{Kind: isolation.KindFS, Target: "/tmp", FSType: "tmpfs", Flags: []string{"nosuid", "nodev"}, Data: "mode=1777,size=1024k"},
				{Kind: isolation.KindBind, Source: "/srv/data", Target: "/data", Flags: []string{"nosuid", "nodev"}},
				{Kind: isolation.KindBind, Source: "/srv/conf", Target: "/etc/app", Flags: []string{"ro", "nosuid", "nodev"}, Optional: true},
			},
			MaskedPaths:   []string{"/proc/kcore", "/proc/acpi"},
			ReadonlyPaths: []string{"/proc/sys"},
			Hostname:      "web",
			Capabilities:  []string{"CAP_CHOWN", "CAP_KILL"},
			User:          "1000:1000",
			NoNewPrivs:    true,
			Seccomp:       &isolation.Seccomp{Profile: "default", Program: isolation.Program{{Code: 6, K: 0x7fff0000}}},
			Cwd:           "/work dir",
			Args:          []string{"/bin/app", "--msg", "it's $HOME"},
			Env:           []string{"A=two words", "PATH=/bin"},
			Rlimits:       []isolation.Rlimit{{Name: "nofile", Soft: 1024, Hard: 2048}},
		},
		Limits:  cgroups.CgroupLimits{Memory: 256 << 20, MemorySwap: &swap, CPUs: 0.5, Pids: 64},
		Timeout: 30 * time.Second,
	}
}

// stat says /proc/acpi and the rootfs are directories and every other
// path a file.
func stat(p string) (bool, bool) { return true, p == "/proc/acpi" || p == "/srv/root fs" }

// hasRun reports whether words holds run as consecutive words.
func hasRun(words, run []string) bool {
	for i := range words {
		if i+len(run) <= len(words) && slices.Equal(words[i:i+len(run)], run) {
			return true
		}
	}
	return false
}

func checkRuns(t *testing.T, c *Command, runs [][]string) {
	t.Helper()
	argv := c.Argv()
	for _, r := range runs {
		if !hasRun(argv, r) {
			t.Errorf("command line lacks %q:\n%s", r, c.Shell())
		}
	}
}

func checkWarnings(t *testing.T, c *Command, want []string) {
	t.Helper()
	all := strings.Join(c.Warnings, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("warnings lack %q:\n%s", w, all)
		}
	}
}

func TestBwrap(t *testing.T) {
	c, err := Bwrap(testPlan(), Options{SeccompFile: "/tmp/web.bpf", Stat: stat})
	if err != nil {
		t.Fatal(err)
	}
	checkRuns(t, c, [][]string{
		{"--unshare-uts", "--unshare-pid", "--unshare-ipc", "--unshare-net", "--unshare-cgroup"},
		{"--bind", "/srv/root fs", "/"}, {"--proc", "/proc"}, {"--dev", "/dev"},
		{"--perms", "1777"}, {"--size", "1048576"}, {"--tmpfs", "/tmp"},
		{"--bind", "/srv/data", "/data"}, {"--ro-bind-try", "/srv/conf", "/etc/app"},
		{"--dev-bind", "/dev/null", "/proc/kcore"}, {"--tmpfs", "/proc/acpi"}, {"--remount-ro", "/proc/acpi"},
		{"--ro-bind-try", "/proc/sys", "/proc/sys"}, {"--remount-ro", "/"},
		{"--hostname", "web"}, {"--clearenv"}, {"--setenv", "A", "two words"}, {"--chdir", "/work dir"},
		{"--cap-drop", "ALL"}, {"--cap-add", "CAP_CHOWN"}, {"--cap-add", "CAP_KILL"}, {"--as-pid-1"},
		{"--seccomp", "3"}, {"--", "/bin/app", "--msg", "it's $HOME"},
	})
	if slices.Contains(c.Argv(), "/dev/fd") || slices.Contains(c.Argv(), "/dev/null") && hasRun(c.Argv(), []string{"/dev/null", "/dev/null"}) {
		t.Errorf("bwrap's --dev makes the device nodes and links; the command line repeats them:\n%s", c.Shell())
	}
	if len(c.Redirects) != 1 || c.Redirects[0] != (Redirect{3, "/tmp/web.bpf"}) {
		t.Errorf("redirects = %v, want the filter on fd 3", c.Redirects)
	}
	if len(c.Seccomp) != 8 || binary.LittleEndian.Uint32(c.Seccomp[4:]) != 0x7fff0000 {
		t.Errorf("seccomp file = %x, want the program as struct sock_filter", c.Seccomp)
	}
	checkWarnings(t, c, []string{
		"user 1000:1000: bwrap changes ids only inside a user namespace",
		"systemd-run --scope -p MemoryMax=268435456 -p MemorySwapMax=0 -p CPUQuota=50% -p TasksMax=64",
		"rlimits nofile: bwrap cannot set them; wrap it in prlimit --nofile=1024:2048",
		"timeout 30s: bwrap has none", "noexec on /dev", "keeps the caller's bounding set", "adds PWD",
	})
}

func TestBwrapWithoutSeccompFile(t *testing.T) {
	c, _ := Bwrap(testPlan(), Options{Stat: stat})
	if slices.Contains(c.Argv(), "--seccomp") || c.Seccomp != nil {
		t.Errorf("no --seccomp-out, yet the command loads a filter:\n%s", c.Shell())
	}
	checkWarnings(t, c, []string{"pass --seccomp-out FILE to write it; exported without a filter"})
}

func TestSystemdRun(t *testing.T) {
	c, err := SystemdRun(testPlan(), Options{Stat: stat})
	if err != nil {
		t.Fatal(err)
	}
	checkRuns(t, c, [][]string{
		{"--wait", "--pipe"}, {"-p", "MemoryMax=268435456"}, {"-p", "MemorySwapMax=0"}, {"-p", "CPUQuota=50%"},
		{"-p", "TasksMax=64"}, {"-p", "PrivateNetwork=yes"}, {"-p", "PrivateIPC=yes"},
		{"-p", "RootDirectory=/srv/root fs"}, {"-p", "ProtectSystem=strict"}, {"-p", "PrivateDevices=yes"},
		{"-p", "TemporaryFileSystem=/tmp:nosuid,nodev,mode=1777,size=1024k"},
		{"-p", "BindPaths=/srv/data:/data:rbind"}, {"-p", "BindReadOnlyPaths=-/srv/conf:/etc/app:rbind"},
		{"-p", "InaccessiblePaths=-/proc/kcore"}, {"-p", "ReadOnlyPaths=-/proc/sys"},
		{"--setenv=A=two words"}, {"--working-directory=/work dir"}, {"--uid=1000"}, {"--gid=1000"},
		{"-p", "CapabilityBoundingSet=CAP_CHOWN CAP_KILL"}, {"-p", "NoNewPrivileges=yes"},
		{"-p", "LimitNOFILE=1024:2048"}, {"-p", "RuntimeMaxSec=30s"}, {"--", "/bin/app", "--msg", "it's $HOME"},
	})
	checkWarnings(t, c, []string{"hostname web", "PID namespace", "seccomp profile default"})
	if c, _ := SystemdRun(testPlan(), Options{Interactive: true}); !slices.Contains(c.Argv(), "--pty") {
		t.Errorf("an interactive export lacks --pty:\n%s", c.Shell())
	}
}

func TestDocker(t *testing.T) {
	c, err := Docker(testPlan(), Options{Stat: stat})
	if err != nil {
		t.Fatal(err)
	}
	checkRuns(t, c, [][]string{
		{"docker", "run"}, {"--network=none"}, {"--cgroupns=private"}, {"--hostname", "web"}, {"--read-only"},
		{"--tmpfs", "/tmp:nosuid,nodev,mode=1777,size=1024k"},
		{"--mount", "type=bind,source=/srv/data,target=/data"},
		{"--mount", "type=bind,source=/srv/conf,target=/etc/app,readonly"},
		{"--cap-drop", "ALL", "--cap-add", "CHOWN", "--cap-add", "KILL"},
		{"--security-opt", "no-new-privileges"}, {"--memory", "268435456"}, {"--memory-swap", "268435456"},
		{"--cpus", "0.5"}, {"--pids-limit", "64"}, {"--ulimit", "nofile=1024:2048"},
		{"-e", "A=two words"}, {"-w", "/work dir"}, {"--user", "1000:1000"},
		{"--entrypoint", "/bin/app", "sandbox-web", "--msg", "it's $HOME"},
	})
	if slices.Contains(c.Argv(), "--security-opt=seccomp=unconfined") || hasRun(c.Argv(), []string{"--security-opt", "seccomp=unconfined"}) {
		t.Errorf("the default profile is docker's own; the command line turns it off:\n%s", c.Shell())
	}
	checkWarnings(t, c, []string{"docker import - sandbox-web", "masked and read-only paths", "timeout 30s"})
}

func TestDockerSharedNamespacesAndUnconfined(t *testing.T) {
	p := testPlan()
	p.Namespaces = []string{"mount"}
	p.Spec.Seccomp = nil
	p.Spec.Hostname = ""
	c, _ := Docker(p, Options{})
	checkRuns(t, c, [][]string{{"--network=host"}, {"--pid=host"}, {"--ipc=host"}, {"--uts=host"},
		{"--cgroupns=host"}, {"--security-opt", "seccomp=unconfined"}})
}

// TestTimeNamespaceWarned: no target makes a time namespace; each says so.
func TestTimeNamespaceWarned(t *testing.T) {
	p := testPlan()
	p.Namespaces = append(p.Namespaces, "time")
	p.Spec.TimeOffsets = &isolation.TimeOffsets{Monotonic: int64(time.Hour), Boottime: -int64(time.Second)}
	for _, tg := range Targets {
		c, err := tg.Build(p, Options{Stat: stat})
		if err != nil {
			t.Fatal(err)
		}
		checkWarnings(t, c, []string{"time namespace (clock offsets monotonic 1h0m0s, boottime -1s): " + c.Groups[0][0] + " cannot make one"})
	}
}

// TestDockerImageWarning: a rootfs directory is archived for docker
// import, a tarball imported as it is.
func TestDockerImageWarning(t *testing.T) {
	p := testPlan()
	dirs := func(string) (bool, bool) { return true, true }
	files := func(string) (bool, bool) { return true, false }
	c, _ := Docker(p, Options{Stat: dirs})
	checkWarnings(t, c, []string{"tar -C '/srv/root fs' -c . | docker import - sandbox-web"})
	p.Spec.Root.Source = "/srv/root.tar"
	c, _ = Docker(p, Options{Stat: files})
	checkWarnings(t, c, []string{"docker import /srv/root.tar sandbox-web"})
}

// TestSystemdScope: --scope wraps the bwrap line in a scope that holds the
// limits bwrap cannot, and drops bwrap's warnings about them.
func TestSystemdScope(t *testing.T) {
	c, err := SystemdRun(testPlan(), Options{Scope: true, SeccompFile: "/tmp/web.bpf", Stat: stat})
	if err != nil {
		t.Fatal(err)
	}
	checkRuns(t, c, [][]string{{"systemd-run"}, {"--scope"}, {"-p", "MemoryMax=268435456"}, {"-p", "TasksMax=64"},
		{"-p", "RuntimeMaxSec=30s"}, {"bwrap"}, {"--unshare-net"}, {"--seccomp", "3"}, {"--", "/bin/app", "--msg", "it's $HOME"}})
	if len(c.Redirects) != 1 || c.Seccomp == nil {
		t.Errorf("the scope lost bwrap's seccomp descriptor: %v", c.Redirects)
	}
	for _, w := range c.Warnings {
		if strings.HasPrefix(w, "limits: ") || strings.HasPrefix(w, "timeout ") {
			t.Errorf("warning %q, but the scope holds it", w)
		}
	}
	checkWarnings(t, c, []string{"rlimits nofile"})
}

// TestHealthExported: docker gets the check as its --health-* flags, a
// shell check as its script; bwrap and systemd-run say they leave it out.
func TestHealthExported(t *testing.T) {
	p := testPlan()
	p.Health = &launcher.HealthPlan{Command: []string{"/bin/sh", "-c", "test -e /run/ready"}, Interval: 2 * time.Second,
		Timeout: 30 * time.Second, Retries: 3, StartPeriod: time.Minute}
	c, _ := Docker(p, Options{Stat: stat})
	checkRuns(t, c, [][]string{{"--health-cmd", "test -e /run/ready", "--health-interval", "2s", "--health-timeout", "30s",
		"--health-retries", "3", "--health-start-period", "1m0s"}})
	p.Health.Command = []string{"/bin/check", "a b"}
	c, _ = Docker(p, Options{Stat: stat})
	checkRuns(t, c, [][]string{{"--health-cmd", "/bin/check 'a b'"}})
	for _, build := range []func(*launcher.Plan, Options) (*Command, error){Bwrap, SystemdRun} {
		c, err := build(p, Options{Stat: stat})
		if err != nil {
			t.Fatal(err)
		}
		checkWarnings(t, c, []string{"health check /bin/check 'a b': " + c.Groups[0][0] + " runs none; left out"})
	}
}
