package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestHealthDecode(t *testing.T) {
	s, diags := loadOne(t, `
  health {
    command      = "test -e /ready"
    interval     = "2s"
    timeout      = 1
    retries      = 5
    start_period = "10s"
  }`)
	if diags != "" {
		t.Fatalf("diagnostics: %s", diags)
	}
	h := s.Health
	if h == nil {
		t.Fatal("Health = nil, want the block")
	}
	if want := []string{"/bin/sh", "-c", "test -e /ready"}; !reflect.DeepEqual(h.Command, want) {
		t.Errorf("Command = %q, want %q", h.Command, want)
	}
	if h.Interval != 2*time.Second || h.Timeout != time.Second || h.Retries != 5 || h.StartPeriod != 10*time.Second {
		t.Errorf("Health = %+v, want 2s, 1s, 5, 10s", h)
	}
}

func TestHealthDefaults(t *testing.T) {
	s, diags := loadOne(t, `health { command = ["/bin/check", "--quick"] }`)
	if diags != "" {
		t.Fatalf("diagnostics: %s", diags)
	}
	h := s.Health
	if !reflect.DeepEqual(h.Command, []string{"/bin/check", "--quick"}) {
		t.Errorf("Command = %q, want the list as it is", h.Command)
	}
	if h.Interval != 30*time.Second || h.Timeout != 30*time.Second || h.Retries != 3 || h.StartPeriod != 0 {
		t.Errorf("Health = %+v, want compose's defaults 30s, 30s, 3, 0s", h)
	}
	if s, _ := loadOne(t, `health {
    command = "true"
    start_period = "0s"
  }`); s.Health == nil || s.Health.StartPeriod != 0 {
		t.Errorf("start_period = \"0s\" not accepted")
	}
}

// TestHealthErrors checks that each bad health block or healthy
// dependency is reported at the line and column of its cause.
func TestHealthErrors(t *testing.T) {
	tests := []struct {
		name, body string
		want       string
		line, col  int
	}{
		{"no command", "  health {\n    retries = 2\n  }", "Missing required argument", 3, 10},
		{"empty command", "  health {\n    command = []\n  }", "Empty command", 4, 15},
		{"empty string", "  health {\n    command = \"\"\n  }", "Empty command", 4, 15},
		{"bad interval", "  health {\n    command = \"true\"\n    interval = \"soon\"\n  }", "Invalid duration", 5, 16},
		{"zero timeout", "  health {\n    command = \"true\"\n    timeout = \"0s\"\n  }", "Value out of range", 5, 15},
		{"zero interval", "  health {\n    command = \"true\"\n    interval = \"0s\"\n  }", "must be longer than zero; leave it out for its default", 5, 16},
		{"zero retries", "  health {\n    command = \"true\"\n    retries = 0\n  }", "Value out of range", 5, 15},
		{"unknown attribute", "  health {\n    command = \"true\"\n    test = 1\n  }", "Unsupported argument", 5, 5},
		{"two blocks", "  health { command = \"true\" }\n  health { command = \"true\" }", "Duplicate health block", 4, 3},
		{"init false", "  init = false\n  health { command = \"true\" }", "Health check without an init", 3, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "sandbox \"s\" {\n  command = [\"/bin/true\"]\n" + tt.body + "\n}\n"
			checkDiagAt(t, src, tt.want, tt.line, tt.col)
		})
	}
}

func TestHealthyDependsErrors(t *testing.T) {
	src := `sandbox "db" { command = ["x"] }
sandbox "app" {
  command    = ["y"]
  depends_on = { db = "healthy" }
}
`
	checkDiagAt(t, src, "Dependency without a health check", 4, 16)
	checkDiagAt(t, strings.Replace(src, `"healthy"`, `"ready"`, 1), `must be "started", "completed" or "healthy"`, 4, 16)
}

// checkDiagAt loads src and wants a diagnostic that contains want at
// line:col.
func checkDiagAt(t *testing.T, src, want string, line, col int) {
	t.Helper()
	name := filepath.Join(t.TempDir(), "h.hcl")
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags := Load([]string{name})
	var got []string
	for _, d := range diags {
		msg := d.Summary + ": " + d.Detail
		if d.Subject != nil && strings.Contains(msg, want) && d.Subject.Start.Line == line && d.Subject.Start.Column == col {
			return
		}
		if d.Subject != nil {
			got = append(got, d.Subject.String()+": "+msg)
		}
	}
	t.Errorf("want %q at %d:%d, got %q", want, line, col, got)
}
