package plancache

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// knownReads are the calls of package config that reach the host, by
// function, and how an entry covers each. A new one fails
// TestConfigReadsAreKnown until the cache records what it reads.
var knownReads = map[string]string{
	"expandPaths: os.Stat":        "a path's kind: a directory's stamp, a file's digest",
	"expandPaths: filepath.Glob":  "a directory's *.hcl: its stamp",
	"autoVarFiles: filepath.Glob": "*.auto.vars beside a file: its directory's stamp",
	"checkVarFiles: os.Stat":      "a --var-file that is missing or a directory is an error, never stored",
	"existing: os.Stat":           "a --var-file read: its digest",
	"splitFile: filepath.Abs":     "the working directory, in the entry's name",
	"ReadSource: os.Stat":         "configuration, variables and env_file files: their digests",
	"ReadSource: os.Open":         "the same",
	"readTextFile: os.Stat":       "file(): Observe, its digest",
	"readTextFile: os.OpenFile":   "the same",
	"lookupEnv: os.LookupEnv":     "SANDBOX_VAR_NAME and env(): each lookup recorded",
	"FormatFiles: os.Stat":        "fmt only, never a load",
	"FormatFiles: filepath.Glob":  "fmt only, never a load",
	"WriteKeepMode: os.Stat":      "fmt only, never a load",
}

// hostCalls are the functions through which config could reach the host.
var hostCalls = map[string][]string{
	"os":       {"Open", "OpenFile", "ReadFile", "ReadDir", "Stat", "Lstat", "Getenv", "LookupEnv", "Environ", "Getwd", "Readlink", "Hostname", "Getuid", "Geteuid", "DirFS"},
	"filepath": {"Glob", "Abs", "EvalSymlinks", "Walk", "WalkDir"},
	"time":     {"Now", "Since"},
	"ioutil":   {"ReadFile", "ReadDir"},
	"fs":       {"ReadFile", "ReadDir", "Glob", "WalkDir"},
	"exec":     {"Command", "LookPath"},
}

// TestConfigReadsAreKnown: every call by which loading a configuration
// reaches the host is one the cache covers, so that no input of a load
// goes unrecorded: a stale configuration would be a security bug.
func TestConfigReadsAreKnown(t *testing.T) {
	files, _ := filepath.Glob("../../config/*.go")
	fset := token.NewFileSet()
	found := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			ast.Inspect(fn, func(n ast.Node) bool {
				if call := hostCall(n); call != "" {
					found[fn.Name.Name+": "+call] = true
				}
				return true
			})
		}
	}
	for call := range found {
		if _, ok := knownReads[call]; !ok {
			t.Errorf("config reaches the host in %s, which the plan cache does not record: record it, or make such loads uncacheable", call)
		}
	}
	if len(found) == 0 {
		t.Fatalf("no call found in config: the scan is broken")
	}
}

// hostCall names the call of n if it is one of hostCalls, as "os.Stat",
// whether called or passed as a value.
func hostCall(n ast.Node) string {
	sel, ok := n.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok || !slices.Contains(hostCalls[pkg.Name], sel.Sel.Name) {
		return ""
	}
	return pkg.Name + "." + sel.Sel.Name
}
