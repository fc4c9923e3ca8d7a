package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// FormatFiles expands directories into their *.hcl and *.vars files,
// the files that fmt formats.
func FormatFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("fmt: %w", err)
		}
		if !info.IsDir() {
			out = append(out, a)
			continue
		}
		hcls, _ := filepath.Glob(filepath.Join(a, "*.hcl"))
		vars, _ := filepath.Glob(filepath.Join(a, "*.vars"))
		names := append(hcls, vars...)
		sort.Strings(names)
		out = append(out, names...)
	}
	return out, nil
}

// WriteKeepMode replaces a file's contents, keeping its permissions.
func WriteKeepMode(name string, data []byte) error {
	info, err := os.Stat(name)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.WriteFile(name, data, info.Mode().Perm()); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
