package config

import (
	"strings"
	"testing"
)

func TestFanout(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // instance names
	}{
		{"count", `sandbox "w" {
  count   = 3
  command = ["/bin/sh", "-c", "exit ${count.index % 7}"]
}`, []string{"w[0]", "w[1]", "w[2]"}},
		{"count zero", `sandbox "w" {
  count   = 0
  command = ["/bin/true"]
}`, nil},
		{"for_each set", `sandbox "w" {
  for_each = toset(["eu", "us"])
  command  = ["/bin/echo", each.key, each.value]
}`, []string{`w["eu"]`, `w["us"]`}},
		{"for_each map", `sandbox "w" {
  for_each = { b = 2, a = 1 }
  command  = ["/bin/echo", each.key, "${each.value}"]
}`, []string{`w["a"]`, `w["b"]`}},
		{"for_each any string", `sandbox "job" {
  for_each = toset(["github.com/zclconf/go-cty/cty", "..", "a b\n", ""])
  command  = ["/bin/echo", each.key]
}`, []string{`job[""]`, `job[".."]`, `job["a b\n"]`, `job["github.com/zclconf/go-cty/cty"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := loadSource("main.hcl", []byte(tt.src), Options{})
			if diags.HasErrors() {
				t.Fatalf("load: %v", diags)
			}
			if got := strings.Join(cfg.Names(), " "); got != strings.Join(tt.want, " ") {
				t.Errorf("names = %q, want %q", got, strings.Join(tt.want, " "))
			}
			for _, name := range cfg.Names() {
				if !ValidName(name) {
					t.Errorf("ValidName(%q) = false for a name the loader made", name)
				}
			}
		})
	}
}

func TestFanoutValues(t *testing.T) {
	cfg, diags := loadSource("main.hcl", []byte(`sandbox "w" {
  for_each = { eu = "x" }
  command  = ["/bin/echo", each.key, each.value]
}
sandbox "c" {
  count   = 9
  command = ["/bin/sh", "-c", "exit ${count.index % 7}"]
}`), Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := cfg.Lookup(`w["eu"]`).Command; strings.Join(got, " ") != "/bin/echo eu x" {
		t.Errorf("each: command = %q", got)
	}
	if got := cfg.Lookup("c[8]").Command[2]; got != "exit 1" {
		t.Errorf("count: command[2] = %q, want exit 1", got)
	}
	if got := len(cfg.Select("c")); got != 9 {
		t.Errorf("Select(c) = %d sandboxes, want 9", got)
	}
	if got := cfg.Select("w[eu]"); len(got) != 1 || got[0].Name != `w["eu"]` {
		t.Errorf("Select(w[eu]) = %v", got)
	}
}

func TestDependsOn(t *testing.T) {
	cfg, diags := loadSource("main.hcl", []byte(`sandbox "db" {
  command = ["/bin/true"]
}
sandbox "w" {
  count      = 2
  command    = ["/bin/true"]
  depends_on = { db = "completed" }
}
sandbox "web" {
  command     = ["/bin/true"]
  depends_on  = ["w", "db"]
  stop_signal = "INT"
  stop_timeout = "2s"
}`), Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	web := cfg.Lookup("web")
	if len(web.DependsOn) != 2 || strings.Join(web.DependsOn[0].Targets, " ") != "w[0] w[1]" || web.DependsOn[0].Condition != Started {
		t.Errorf("web.DependsOn = %+v", web.DependsOn)
	}
	if d := cfg.Lookup("w[1]").DependsOn; len(d) != 1 || d[0].Condition != Completed {
		t.Errorf("w[1].DependsOn = %+v", d)
	}
	if web.StopSignal != "SIGINT" || web.StopTimeout.String() != "2s" {
		t.Errorf("stop = %s %s", web.StopSignal, web.StopTimeout)
	}
	if db := cfg.Lookup("db"); db.StopSignal != DefaultStopSignal || db.StopTimeout != DefaultStopTimeout {
		t.Errorf("default stop = %s %s", db.StopSignal, db.StopTimeout)
	}
}

func TestBatchDiagnostics(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"count and for_each", `sandbox "w" {
  count    = 2
  for_each = toset(["a"])
  command  = ["/bin/true"]
}`, `Invalid combination of "count" and "for_each"`},
		{"negative count", `sandbox "w" {
  count   = -1
  command = ["/bin/true"]
}`, "must be a whole number from 0 to 10000"},
		{"for_each list", `sandbox "w" {
  for_each = ["a", "b"]
  command  = ["/bin/true"]
}`, "Convert a list with toset()"},
		{"count.index typo", `sandbox "w" {
  count   = 2
  command = ["/bin/echo", "${count.idx}"]
}`, `There is no count attribute named "idx". Did you mean "index"?`},
		{"count.index without count", `sandbox "w" {
  command = ["/bin/echo", "${count.index}"]
}`, `There is no variable named "count"`},
		{"unknown dependency", `sandbox "web" {
  command    = ["/bin/true"]
  depends_on = ["dv"]
}
sandbox "db" {
  command = ["/bin/true"]
}`, `web depends on "dv", but no sandbox has that name. Did you mean "db"?`},
		{"bad condition", `sandbox "web" {
  command    = ["/bin/true"]
  depends_on = { db = "ready" }
}
sandbox "db" {
  command = ["/bin/true"]
}`, `The condition for "db" must be "started", "completed" or "healthy".`},
		{"cycle", `sandbox "a" {
  command    = ["/bin/true"]
  depends_on = ["b"]
}
sandbox "b" {
  command    = ["/bin/true"]
  depends_on = { a = "completed" }
}`, "cycle: a → b → a"},
		{"self through fan-out", `sandbox "w" {
  count      = 2
  command    = ["/bin/true"]
  depends_on = ["w"]
}`, "cycle: w[0] → w[0]"},
		{"bad stop signal", `sandbox "w" {
  command     = ["/bin/true"]
  stop_signal = "SIGTREM"
}`, `Did you mean "SIGTERM"?`},
		{"duplicate base", `sandbox "w" {
  count   = 1
  command = ["/bin/true"]
}
sandbox "w" {
  command = ["/bin/true"]
}`, `A sandbox named "w" was already declared`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := loadSource("main.hcl", []byte(tt.src), Options{})
			if !diags.HasErrors() {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(diags.Error(), tt.want) {
				t.Errorf("diagnostics = %v\nwant one with %q", diags, tt.want)
			}
		})
	}
}

func TestFanoutReportsSharedProblemOnce(t *testing.T) {
	_, diags := loadSource("main.hcl", []byte(`sandbox "w" {
  count   = 50
  command = ["/bin/true"]
  hostnme = "x"
}`), Options{})
	if len(diags) != 1 {
		t.Errorf("got %d diagnostics, want 1: %v", len(diags), diags)
	}
}

func TestBatchBlock(t *testing.T) {
	cfg, diags := loadSource("main.hcl", []byte(`batch {
  limits {
    memory = "1GiB"
    pids   = 500
  }
}
sandbox "w" {
  command = ["/bin/true"]
}`), Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if cfg.Batch == nil || cfg.Batch.Limits == nil || cfg.Batch.Limits.Memory != 1<<30 || cfg.Batch.Limits.Pids != 500 {
		t.Errorf("Batch = %+v", cfg.Batch)
	}
	_, diags = loadSource("main.hcl", []byte(`batch {
  limits {
    memroy = "1GiB"
  }
}
batch {}`), Options{})
	for _, want := range []string{"Duplicate batch block", `"memroy"`} {
		found := false
		for _, d := range diags {
			found = found || strings.Contains(d.Summary+" "+d.Detail, want)
		}
		if !found {
			t.Errorf("diagnostics = %v, want one with %q", diags, want)
		}
	}
}

// TestNoInstanceChecksNoValues loads a fanned-out block with no instance,
// whose attributes depend on count.index and each.*: it is checked once
// with those unknown, which must neither panic nor reject the values the
// instances would have. With an instance, the same checks still run.
func TestNoInstanceChecksNoValues(t *testing.T) {
	body := `
  command     = ["/bin/true"]
  seccomp     = count.index == 0 ? "default" : "unconfined"
  restart     = count.index == 0 ? "always" : "no"
  user        = count.index == 0 ? "1000" : "1001"
  hostname    = "h${count.index}"
  workdir     = "/w${count.index}"
  stop_signal = count.index == 0 ? "SIGTERM" : "SIGINT"
  rootfs {
    source = "./r${count.index}"
    mode   = count.index == 0 ? "readonly" : "ephemeral"
  }
  mount {
    type   = count.index == 0 ? "tmpfs" : "bind"
    target = "/m${count.index}"
  }
  watch {
    paths  = ["."]
    action = count.index == 0 ? "signal" : "restart"
  }
`
	cfg, msgs := loadSrc(t, "sandbox \"a\" {\n  count = 0\n"+body+"}\n"+
		"sandbox \"b\" {\n  for_each = {}\n"+strings.ReplaceAll(strings.ReplaceAll(body, "count.index == 0", `each.key == "x"`), "count.index", "each.key")+
		"  seccomp_x = 1\n}\n")
	if len(cfg.Sandboxes) != 0 || !strings.Contains(msgs, "seccomp_x") || strings.Count(msgs, "\n") != 0 {
		t.Errorf("want no sandbox and only the error about seccomp_x, got %d sandboxes and:\n%s", len(cfg.Sandboxes), msgs)
	}
	_, msgs = loadSrc(t, "sandbox \"a\" {\n  count = 1\n"+strings.Replace(body, `"always"`, `"sometimes"`, 1)+"}\n")
	if !strings.Contains(msgs, `"sometimes" is not a restart policy`) {
		t.Errorf("with an instance, a wrong restart policy was not reported:\n%s", msgs)
	}
	_, msgs = loadSrc(t, "sandbox \"a\" {\n  count = 0\n  command = [\"/bin/true\"]\n  seccomp = { profile = \"x${count.index}\" }\n}\n")
	if msgs != "" {
		t.Errorf("an unknown seccomp object was checked:\n%s", msgs)
	}
}
