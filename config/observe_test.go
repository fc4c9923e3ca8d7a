package config

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// TestObserveSeesEveryOtherRead: Observe learns each env_file and each
// file() argument, a failed read included (one that try() swallows), so a
// caller that records a load's inputs misses none of them.
func TestObserveSeesEveryOtherRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	envFile := write("web.env", "MODE=dev\n")
	motd := write("motd.txt", "hello")
	cfgPath := write("web.hcl", `sandbox "web" {
  command  = ["/bin/echo", file("motd.txt"), try(file("missing.txt"), "none")]
  env_file = ["web.env"]
}
`)
	var mu sync.Mutex
	seen := map[string]string{}
	opts := Options{Observe: func(name string, data []byte, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			seen[name] = "error"
			return
		}
		seen[name] = string(data)
	}}
	cfg, diags := LoadWith([]string{cfgPath}, opts)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got, want := cfg.Sandboxes[0].Command, []string{"/bin/echo", "hello", "none"}; !slices.Equal(got, want) {
		t.Fatalf("command = %q, want %q", got, want)
	}
	want := map[string]string{envFile: "MODE=dev\n", motd: "hello", filepath.Join(dir, "missing.txt"): "error"}
	for name, w := range want {
		if seen[name] != w {
			t.Errorf("Observe(%s) = %q, want %q (all: %q)", name, seen[name], w, seen)
		}
	}
	if _, ok := seen[cfgPath]; ok {
		t.Errorf("Observe saw the configuration file %s, which ReadFile reads", cfgPath)
	}
}
