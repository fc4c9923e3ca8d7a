package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSensitive(t *testing.T) {
	dir := t.TempDir()
	src := `variable "token" {
  default   = "t"
  sensitive = true
}
variable "plain" {
  default = "p"
}
locals {
  a = "x${local.b}"
  b = var.token
}
sandbox "s" {
  command  = ["/bin/x", var.plain, local.a]
  hostname = var.plain
  env      = { A = var.plain, B = upper(var.token) }
}
sandbox "t" {
  command = concat(["/bin/x"], [var.token])
  workdir = "/${var.token}"
  health { command = "check ${var.token}" }
}
`
	name := filepath.Join(dir, "s.hcl")
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := LoadWith([]string{name}, Options{LookupEnv: noEnv})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	s, u := cfg.Lookup("s"), cfg.Lookup("t")
	for _, tt := range []struct {
		s    *Sandbox
		key  string
		want bool
	}{
		{s, "command.0", false}, {s, "command.1", false}, {s, "command.2", true},
		{s, "hostname", false}, {s, "env.A", false}, {s, "env.B", true},
		{u, "command.0", true}, {u, "workdir", true}, {u, "hostname", false},
		{u, "health.command", true}, {s, "health.command", false},
	} {
		if got := tt.s.IsSensitive(tt.key); got != tt.want {
			t.Errorf("%s.IsSensitive(%q) = %v, want %v", tt.s.Name, tt.key, got, tt.want)
		}
	}
}

// TestSensitiveCycle checks that following locals for sensitivity ends on
// a cycle, which is reported as an error.
func TestSensitiveCycle(t *testing.T) {
	name := filepath.Join(t.TempDir(), "c.hcl")
	src := "variable \"v\" {\n  default   = \"x\"\n  sensitive = true\n}\n" +
		"locals {\n  a = local.b\n  b = local.a\n}\n" +
		"sandbox \"s\" {\n  command = [local.a]\n}\n"
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := LoadWith([]string{name}, Options{LookupEnv: noEnv})
	if !diags.HasErrors() || cfg.Lookup("s").IsSensitive("command.0") {
		t.Errorf("LoadWith(cycle) = %v, sensitive %v; want an error and no mark", diags, cfg.Lookup("s").Sensitive)
	}
}

func noEnv(string) (string, bool) { return "", false }
