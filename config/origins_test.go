package config

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOrigins: a variable's winning layer and its default's range, and a
// local's expression, are kept; the values the sandboxes see are unchanged.
func TestOrigins(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.hcl")
	os.WriteFile(file, []byte(`variable "mem" {
  default = "128MiB"
}
variable "name" {
  default = "web"
}
locals {
  memory = var.mem
}
sandbox "web" {
  command  = ["/bin/app"]
  hostname = var.name
  limits {
    memory = local.memory
  }
}
`), 0o644)
	cfg, diags := LoadWith([]string{file}, Options{Vars: []string{"mem=256MiB"}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	mem := cfg.Origins.Vars["mem"]
	if mem.Source != "--var mem" || mem.Value.AsString() != "256MiB" || mem.Range != nil || mem.Default == nil || mem.Default.Start.Line != 2 || mem.Decl.Start.Line != 1 {
		t.Errorf("Origins.Vars[mem] = %+v, want 256MiB from --var mem, its default on line 2, declared on line 1", mem)
	}
	name := cfg.Origins.Vars["name"]
	if name.Source != "its default" || name.Range == nil || name.Range.Start.Line != 5 {
		t.Errorf("Origins.Vars[name] = %+v, want its default, on line 5", name)
	}
	loc := cfg.Origins.Locals["memory"]
	if loc.Expr == nil || loc.Expr.Range().Start.Line != 8 || loc.Value.AsString() != "256MiB" {
		t.Errorf("Origins.Locals[memory] = %+v, want var.mem on line 8, 256MiB", loc)
	}
	if s := cfg.Lookup("web"); s.Limits.Memory != 256<<20 || s.Hostname != "web" {
		t.Errorf("sandbox = memory %d, hostname %q; want 256MiB and web", s.Limits.Memory, s.Hostname)
	}
}
