package explain

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

var update = flag.Bool("update", false, "rewrite testdata/explain.golden")

// testHost is a root-run amd64 host with cgroup v2 and a fixed kernel.
var testHost = &launcher.Host{EUID: 0, FS: testenv.LinkFS{"/usr": "", "/bin": "usr/bin", "/lib": "usr/lib"}, Kernel: launcher.KernelVersion{Major: 6, Minor: 1}, Arch: "amd64",
	Cgroups: cgroups.CgroupHost{Version: 2, Root: "/sys/fs/cgroup", Controllers: []string{"cpu", "memory", "pids", "io"}}}

var files = map[string]string{
	"vars.hcl": `variable "mem" {
  default = "128MiB"
}

locals {
  memory = var.mem
}
`,
	"web.hcl": `sandbox "web" {
  command = ["/bin/httpd"]
  network = "default"
  ports   = ["8080:80"]
  capabilities {
    add = ["NET_RAW"]
  }
  mount {
    type   = "bind"
    source = "./data"
    target = "/data"
  }
  limits {
    memory = local.memory
  }
}
`,
}

// questions are the golden cases: paths in and out of the host view, an
// attribute through a local and a variable set by --var over its default,
// syscalls, capabilities and a port.
var questions = []string{"/data/x", "/etc/shadow", "/usr/bin/env", "/proc/kcore", "limits.memory",
	"hostname", "mount", "getpid", "CAP_NET_RAW", "CAP_SYS_ADMIN", "80", "443"}

func load(t *testing.T) Input {
	dir := t.TempDir()
	for name, src := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644)
	}
	os.Mkdir(filepath.Join(dir, "data"), 0o755)
	t.Chdir(dir)
	cfg, diags := config.LoadWith([]string{"web.hcl", "vars.hcl"}, config.Options{Vars: []string{"mem=256MiB"}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	s := cfg.Lookup("web")
	return Input{Config: cfg, Sandbox: s, Plan: launcher.NewPlan(s, testHost), Arch: "amd64"}
}

func TestExplainGolden(t *testing.T) {
	in := load(t)
	var b strings.Builder
	for _, q := range questions {
		a, err := Explain(in, q)
		if err != nil {
			t.Fatalf("Explain(%s) = %v", q, err)
		}
		b.WriteString(a.Text())
	}
	golden := filepath.Join(testdata, "explain.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("explain =\n%s\nwant (%s, -update rewrites it)\n%s", got, golden, want)
	}
}

func TestExplainUnknown(t *testing.T) {
	in := load(t)
	if a, err := Explain(in, "nosuchthing"); err == nil {
		t.Errorf("Explain(nosuchthing) = %+v, want an error naming what it tried", a)
	}
}

func TestExplainJSON(t *testing.T) {
	in := load(t)
	a, _ := Explain(in, "mount")
	b, _ := json.Marshal(a)
	var back Answer
	if err := json.Unmarshal(b, &back); err != nil || back.Kind != "syscall" || back.Answer == "" || len(back.Chain) == 0 {
		t.Errorf("JSON %s, want kind syscall, an answer and a chain", b)
	}
}

// testdata is this package's testdata directory, found before a test
// changes directory.
var testdata, _ = filepath.Abs("testdata")
