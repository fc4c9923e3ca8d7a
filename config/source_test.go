package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestSourceLimits: a configuration or variables file larger than
// MaxSourceSize is refused before it is read, with its name and the
// limit, and so is a device: loading /dev/zero used to read until memory
// ran out.
func TestSourceLimits(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.hcl")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(MaxSourceSize + 1) // sparse: nothing to read, yet too large
	f.Close()
	ok := filepath.Join(dir, "ok.hcl")
	os.WriteFile(ok, []byte("variable \"v\" {\n  default = \"x\"\n}\n"), 0o644)
	cases := []struct {
		paths, varFiles []string
		want            string
	}{
		{[]string{big}, nil, big + " is larger than 16 MiB, the limit for configuration, variables and lock files"},
		{[]string{"/dev/zero"}, nil, "/dev/zero is a character device, not a regular file"},
		{[]string{ok}, []string{big}, big + " is larger than 16 MiB"},
		{[]string{ok}, []string{"/dev/zero"}, "/dev/zero is a character device"},
	}
	for _, c := range cases {
		_, diags := LoadWith(c.paths, Options{VarFiles: c.varFiles})
		if !diags.HasErrors() || !strings.Contains(diags.Error(), c.want) {
			t.Errorf("LoadWith(%v, var files %v) = %v, want %q", c.paths, c.varFiles, diags, c.want)
		}
	}
}

// TestSourceFromPipe: a pipe, as the shell's <(...) gives, is read.
func TestSourceFromPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	go func() {
		if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			w.WriteString("sandbox \"p\" {\n  command = [\"/bin/true\"]\n}\n")
			w.Close()
		}
	}()
	cfg, diags := Load([]string{fifo})
	if diags.HasErrors() || len(cfg.Sandboxes) != 1 {
		t.Errorf("Load(a pipe) = %v, %v", cfg.Sandboxes, diags)
	}
}

// TestFileFunctionRegularOnly: file() refuses a FIFO and /dev/zero
// without opening them. Opening the FIFO would wait for a writer that
// never comes: this test would hang on an earlier version.
func TestFileFunctionRegularOnly(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600); err != nil {
		t.Skip(err)
	}
	for _, name := range []string{"fifo", "/dev/zero"} {
		_, err := readTextFile(resolvePath(dir, name))
		if err == nil || err.Error() != "not a regular file" {
			t.Errorf("file(%q) = %v, want not a regular file", name, err)
		}
	}
}
