package expect

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/config"
)

// Update writes every golden file of e from what o shows, as `go test
// -update` does, and returns the paths it changed. A sandbox that never
// ran updates nothing.
func Update(e *config.Expect, o Observed) ([]string, error) {
	if !o.Ran {
		return nil, nil
	}
	var wrote []string
	write := func(path string, b []byte) error {
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
			return nil
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("update golden file: %w", err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return fmt.Errorf("update golden file: %w", err)
		}
		wrote = append(wrote, path)
		return nil
	}
	for _, s := range []struct {
		e   *config.OutputExpect
		got []byte
	}{{e.Stdout, o.Stdout}, {e.Stderr, o.Stderr}} {
		if s.e != nil && s.e.Golden != "" {
			if err := write(s.e.Golden, s.got); err != nil {
				return wrote, err
			}
		}
	}
	for _, f := range e.Files {
		if f.Golden == "" {
			continue
		}
		b, err := ReadKept(f)
		if err != nil {
			return wrote, fmt.Errorf("update golden file %s: %w", f.Golden, err)
		}
		if err := write(f.Golden, b); err != nil {
			return wrote, err
		}
	}
	return wrote, nil
}
