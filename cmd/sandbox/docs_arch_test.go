package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestArchitectureListsPackages: docs/architecture.md has a row for every
// package of the repository, and every row names one that exists.
func TestArchitectureListsPackages(t *testing.T) {
	b, err := os.ReadFile("../../docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z0-9/_-]+)` \\|").FindAllStringSubmatch(string(b), -1) {
		listed[m[1]] = true
	}
	found := packageDirs(t, "../..")
	for dir := range found {
		if !listed[dir] {
			t.Errorf("docs/architecture.md has no row for package %s", dir)
		}
	}
	for dir := range listed {
		if !found[dir] {
			t.Errorf("docs/architecture.md lists %s, which is not a package", dir)
		}
	}
}

// packageDirs are the directories under root that hold Go files other
// than tests, outside testdata.
func packageDirs(t *testing.T, root string) map[string]bool {
	dirs := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			rel, _ := filepath.Rel(root, filepath.Dir(p))
			dirs[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}
