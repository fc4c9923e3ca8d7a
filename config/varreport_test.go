package config

import "testing"

// TestVariableValues lists the final values, a sensitive one redacted.
func TestVariableValues(t *testing.T) {
	cfg, diags := loadSource("main.hcl", []byte(`
variable "port" { default = 8080 }
variable "token" {
  default   = "s3cret"
  sensitive = true
}
variable "tags" { default = ["a", "b"] }
sandbox "t" { command = ["/bin/true", var.token] }
`), Options{Vars: []string{"port=9090"}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := []VariableValue{{"port", `"9090"`, false}, {"token", "", true}, {"tags", `["a","b"]`, false}}
	if len(cfg.Variables) != len(want) {
		t.Fatalf("Variables = %+v, want %+v", cfg.Variables, want)
	}
	for i, w := range want {
		if cfg.Variables[i] != w {
			t.Errorf("Variables[%d] = %+v, want %+v", i, cfg.Variables[i], w)
		}
	}
}
