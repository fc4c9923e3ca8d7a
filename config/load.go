package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// Load parses the given files and directories (a directory contributes its
// *.hcl files in name order) and decodes every sandbox they declare.
//
// It returns every problem found, in source order per file. The returned
// Config is never nil: its Files let a caller render snippets for the
// diagnostics even when loading failed.
func Load(paths []string) (*Config, hcl.Diagnostics) {
	parser := hclparse.NewParser()
	cfg := &Config{Files: parser.Files()}
	files, diags := expandPaths(paths)
	for _, name := range files {
		f, d := parser.ParseHCLFile(name)
		diags = append(diags, d...)
		if f == nil || f.Body == nil {
			continue
		}
		sbs, d := decodeFile(name, f.Body)
		diags = append(diags, d...)
		cfg.Sandboxes = append(cfg.Sandboxes, sbs...)
	}
	diags = append(diags, checkDuplicates(cfg.Sandboxes)...)
	return cfg, diags
}

// expandPaths turns files and directories into a list of files to parse.
func expandPaths(paths []string) ([]string, hcl.Diagnostics) {
	var files []string
	var diags hcl.Diagnostics
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			files = append(files, name)
		}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			diags = append(diags, pathError(p, err))
			continue
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		matches, _ := filepath.Glob(filepath.Join(p, "*.hcl"))
		sort.Strings(matches)
		if len(matches) == 0 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "No configuration files",
				Detail:   fmt.Sprintf("The directory %s holds no *.hcl files.", p),
			})
		}
		for _, m := range matches {
			if filepath.Base(m) != LockFileName {
				add(m)
			}
		}
	}
	return files, diags
}

func pathError(p string, err error) *hcl.Diagnostic {
	detail := err.Error()
	if os.IsNotExist(err) {
		detail = fmt.Sprintf("There is no file or directory at %s.", p)
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Cannot read configuration",
		Detail:   detail,
	}
}

// checkDuplicates reports every sandbox whose name was already declared,
// naming both places.
func checkDuplicates(sbs []*Sandbox) hcl.Diagnostics {
	var diags hcl.Diagnostics
	first := map[string]*Sandbox{}
	for _, s := range sbs {
		prev, ok := first[s.Name]
		if !ok {
			first[s.Name] = s
			continue
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Duplicate sandbox name",
			Detail: fmt.Sprintf("A sandbox named %q was already declared at %s:%d:%d. Each sandbox needs a unique name.",
				s.Name, prev.DeclRange.Filename, prev.DeclRange.Start.Line, prev.DeclRange.Start.Column),
			Subject: s.DeclRange.Ptr(),
		})
	}
	return diags
}
