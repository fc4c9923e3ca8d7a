package config

import (
	"path/filepath"
	"testing"
	"time"
)

// TestExpectDecoded checks the values an expect block decodes to, and
// where the host keeps each checked file.
func TestExpectDecoded(t *testing.T) {
	cfg, diags := loadSource("/cfg/main.hcl", []byte(`sandbox "t" {
  command = ["/bin/true"]
  rootfs {
    source    = "./root"
    mode      = "persistent"
    state_dir = "./state"
  }
  mount {
    type   = "bind"
    source = "./out"
    target = "/out"
  }
  mount {
    type   = "bind"
    source = "./deep"
    target = "/out/deep"
  }
  expect {
    exit_code       = 3
    oom             = true
    max_peak_memory = "1MiB"
    max_duration    = "1m30s"
    stdout {
      matches = "^ok$"
      golden  = "testdata/t.out"
    }
    stderr {
      matches = ["a", "b"]
    }
    file "/out/x" { golden = "x.golden" }
    file "/out/deep/y" { golden = "y.golden" }
    file "/etc/z" { golden = "z.golden" }
  }
}
`), Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	e := cfg.Sandboxes[0].Expect
	if e == nil || *e.ExitCode != 3 || !*e.OOM || e.MaxPeakMemory != 1<<20 || e.MaxDuration != 90*time.Second {
		t.Fatalf("expect = %+v", e)
	}
	if got := e.Stdout; len(got.Matches) != 1 || got.Golden != filepath.FromSlash("/cfg/testdata/t.out") {
		t.Errorf("stdout = %+v", got)
	}
	if got := e.Stderr.Matches; len(got) != 2 {
		t.Errorf("stderr matches = %q, want 2", got)
	}
	want := []struct{ root, rel, lower string }{
		{"/cfg/out", "x", ""},
		{"/cfg/deep", "y", ""},
		{"/cfg/state/upper", "etc/z", "/cfg/root"},
	}
	for i, w := range want {
		if f := e.Files[i]; f.Root != w.root || f.Rel != w.rel || f.Lower != w.lower {
			t.Errorf("file %s kept as %q beneath %q (lower %q), want %q beneath %q (%q)", f.Path, f.Rel, f.Root, f.Lower, w.rel, w.root, w.lower)
		}
	}
}

// TestExpectAbsent leaves Expect nil without a block.
func TestExpectAbsent(t *testing.T) {
	cfg, diags := loadSource("main.hcl", []byte(`sandbox "t" { command = ["/bin/true"] }`), Options{})
	if diags.HasErrors() || cfg.Sandboxes[0].Expect != nil {
		t.Fatalf("Expect = %+v, diags %v", cfg.Sandboxes[0].Expect, diags)
	}
}
