package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// loadOne loads a file holding one sandbox whose body is body.
func loadOne(t *testing.T, body string) (*Sandbox, string) {
	t.Helper()
	cfg, msgs := loadSrc(t, "sandbox \"s\" {\n  command = [\"/bin/true\"]\n"+body+"\n}\n")
	if len(cfg.Sandboxes) != 1 {
		t.Fatalf("Load() = %d sandboxes, want 1 (%v)", len(cfg.Sandboxes), msgs)
	}
	return cfg.Sandboxes[0], msgs
}

func u64(n uint64) *uint64 { return &n }

func TestLimitsDecode(t *testing.T) {
	s, diags := loadOne(t, `
  limits {
    cpus        = 0.5
    memory      = "64MiB"
    memory_swap = "1G"
    pids        = 64
    cpu_weight  = 200
    io_weight   = 50
    strict      = false
  }
  oom_score_adj = 500
  timeout       = "1m30s"`)
	if diags != "" {
		t.Fatalf("diagnostics: %s", diags)
	}
	want := &Limits{CPUs: 0.5, Memory: 64 << 20, MemorySwap: u64(1 << 30), Pids: 64, CPUWeight: 200, IOWeight: 50}
	if !reflect.DeepEqual(s.Limits, want) {
		t.Errorf("Limits = %+v, want %+v", s.Limits, want)
	}
	if s.OOMScoreAdj != 500 || s.Timeout != 90*time.Second {
		t.Errorf("oom_score_adj, timeout = %d, %v, want 500, 1m30s", s.OOMScoreAdj, s.Timeout)
	}
	if _, ok := s.Ranges["limits.memory"]; !ok {
		t.Errorf("no range recorded for limits.memory")
	}
}

func TestLimitsDefaults(t *testing.T) {
	s, diags := loadOne(t, `limits { memory = 1048576 }`)
	if diags != "" {
		t.Fatalf("diagnostics: %s", diags)
	}
	if !s.Limits.Strict || s.Limits.Memory != 1<<20 || s.Limits.MemorySwap != nil {
		t.Errorf("Limits = %+v, want strict, 1MiB, no swap setting", s.Limits)
	}
	s, _ = loadOne(t, ``)
	if s.Limits != nil || s.Rlimits != nil || s.Timeout != 0 || s.OOMScoreAdj != 0 {
		t.Errorf("Resources = %+v, want zero", s.Resources)
	}
}

func TestRlimitsDecode(t *testing.T) {
	s, diags := loadOne(t, `
  rlimits {
    nofile = 1024
    core   = 0
    stack  = { soft = "4MiB", hard = "8MiB" }
    cpu    = "unlimited"
    nproc  = { soft = 10, hard = "unlimited" }
  }`)
	if diags != "" {
		t.Fatalf("diagnostics: %s", diags)
	}
	want := []Rlimit{
		{"core", 0, 0}, {"cpu", RlimitInfinity, RlimitInfinity}, {"nofile", 1024, 1024},
		{"nproc", 10, RlimitInfinity}, {"stack", 4 << 20, 8 << 20},
	}
	if !reflect.DeepEqual(s.Rlimits, want) {
		t.Errorf("Rlimits = %+v, want %+v", s.Rlimits, want)
	}
}

func TestResourceDiagnostics(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`limits { cpus = 0 }`, "from 0.01 to 1024"},
		{`limits { cpus = "half" }`, "a number of cores"},
		{`limits { memory = "64XB" }`, "invalid syntax"},
		{`limits { memory = "1.5" }`, "whole number of bytes"},
		{`limits { memory = 100 }`, "at least 1048576 bytes"},
		{`limits { memory = true }`, "a size such as"},
		{`limits { memory_swap = "1G" }`, "set memory too"},
		{`limits { pids = 2 }`, "from 8 to"},
		{`limits { pids = 64.5 }`, "whole number"},
		{`limits { cpu_weight = 0 }`, "from 1 to 10000"},
		{`limits { io_weight = 10001 }`, "from 1 to 10000"},
		{`limits { strict = "yes please" }`, "a bool"},
		{`limits { memroy = "1G" }`, `Did you mean "memory"?`},
		{"limits {}\nlimits {}", "Duplicate limits block"},
		{`rlimits { nofiles = 10 }`, `Did you mean "nofile"?`},
		{`rlimits { nofile = -1 }`, "whole number"},
		{`rlimits { nofile = "8MiB" }`, "whole number"},
		{`rlimits { stack = "8XB" }`, "invalid syntax"},
		{`rlimits { nofile = { soft = 10 } }`, "give both soft and hard"},
		{`rlimits { nofile = { soft = 10, hard = 5 } }`, "above its hard limit"},
		{`rlimits { nofile = { soft = 1, hard = 2, max = 3 } }`, `not "max"`},
		{`oom_score_adj = 1001`, "from -1000 to 1000"},
		{`timeout = "soon"`, "invalid syntax"},
		{`timeout = "0s"`, "longer than zero"},
		{`timeout = "-1s"`, "negative value"},
	} {
		_, diags := loadOne(t, tc.body)
		if !strings.Contains(diags, tc.want) {
			t.Errorf("%s: diagnostics = %q, want one containing %q", tc.body, diags, tc.want)
		}
	}
}

func TestParseSizeForLimits(t *testing.T) {
	for in, want := range map[string]uint64{
		"0": 0, "4096": 4096, "512k": 512 << 10, "512K": 512 << 10, "64MiB": 64 << 20,
		"64MB": 64 << 20, "1G": 1 << 30, "1.5GiB": 3 << 29, "2T": 2 << 40, " 8 MiB ": 8 << 20,
	} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1i", "1.5", "MiB", "99999999999T", "1e3"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestParseDurationForLimits(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30s": 30 * time.Second, "1m30s": 90 * time.Second, "250ms": 250 * time.Millisecond,
		"1.5h": 90 * time.Minute, "1d": 24 * time.Hour, "0s": 0,
	} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "30", "s", "1x", "-5s", "1s 2s", "99999999d"} {
		if got, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, got)
		}
	}
}

func TestResourceDiagnosticsInSourceOrder(t *testing.T) {
	_, diags := loadOne(t, `
  limits {
    memory = "64XB"
    cpus   = 0
    pids   = 1
  }
  rlimits {
    nproc   = -1
    nofiles = 3
    stack   = { soft = 9, hard = 1 }
  }
  timeout = "soon"`)
	want := []string{"memory", "cpus", "pids", "nproc", "nofiles", "stack", "timeout"}
	lines := strings.Split(diags, "\n")
	if len(lines) != len(want) {
		t.Fatalf("diagnostics:\n%s\nwant %d", diags, len(want))
	}
	for i, w := range want {
		if !strings.Contains(lines[i], `"`+w+`"`) {
			t.Errorf("diagnostic %d = %q, want one about %s", i, lines[i], w)
		}
	}
}
