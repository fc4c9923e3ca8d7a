package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hclsandbox/sandbox/internal/parallel"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Load parses the given files and directories (a directory contributes its
// *.hcl files in name order) and decodes every sandbox they declare, with
// variables from their defaults, *.auto.vars files and SANDBOX_VAR_NAME.
//
// It returns every problem found, in source order per file. The returned
// Config is never nil: its Files let a caller render snippets for the
// diagnostics even when loading failed.
func Load(paths []string) (*Config, hcl.Diagnostics) {
	return LoadWith(paths, Options{})
}

// LoadWith is Load with variable values and an environment from opts.
func LoadWith(paths []string, opts Options) (*Config, hcl.Diagnostics) {
	l := newLoader(opts)
	names, diags := expandPaths(paths)
	for _, name := range names {
		f, d := l.parseFile(name)
		diags = append(diags, l.addFile(name, f, d)...)
	}
	cfg, d := l.finish()
	diags = append(diags, d...)
	explainTemplates(diags, l.parser.Files())
	return cfg, diags
}

// loadSource loads one configuration held in memory, for the fuzzer.
func loadSource(name string, src []byte, opts Options) (*Config, hcl.Diagnostics) {
	l := newLoader(opts)
	f, diags := l.parser.ParseHCL(src, name)
	diags = l.addFile(name, f, diags)
	cfg, d := l.finish()
	return cfg, append(diags, d...)
}

// parseFile reads name through the options' ReadFile (ReadSource, which
// bounds its size, unless set) and parses it; a file parsed before is not
// read again.
func (l *loader) parseFile(name string) (*hcl.File, hcl.Diagnostics) {
	if f := l.parser.Files()[name]; f != nil {
		return f, nil
	}
	src, err := l.opts.readFile()(name)
	if err != nil {
		detail := err.Error() + "."
		var pe *fs.PathError
		if errors.As(err, &pe) {
			detail = fmt.Sprintf("The configuration file %q could not be read: %v.", name, pe.Err)
		}
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Failed to read file", Detail: detail}}
	}
	f, diags := parseHCL(src, name)
	l.parser.AddFile(name, f)
	return f, diags
}

func newLoader(opts Options) *loader {
	return &loader{
		opts:   opts,
		parser: hclparse.NewParser(),
		vars:   map[string]*variable{},
		locals: map[string]*local{},
		funcs:  map[string]map[string]function.Function{},
	}
}

// finish evaluates what the parsed files declare, in order: variables,
// locals, sandboxes.
func (l *loader) finish() (*Config, hcl.Diagnostics) {
	cfg := &Config{Files: l.parser.Files()}
	diags := l.assignVariables()
	cfg.Variables = l.variableValues()
	diags = append(diags, l.collectLocals()...)
	diags = append(diags, l.evalLocals()...)
	sbs, d := l.expandSandboxes()
	cfg.Sandboxes = sbs
	diags = append(diags, d...)
	diags = append(diags, checkDuplicates(cfg.Sandboxes)...)
	diags = append(diags, checkBaseDuplicates(cfg.Sandboxes)...)
	diags = append(diags, resolveDepends(cfg)...)
	diags = append(diags, l.decodeNetworks(cfg)...)
	batch, d := l.decodeBatch()
	cfg.Batch = batch
	diags = append(diags, d...)
	cfg.Project, cfg.ProjectRange, d = projectAttr(l.projectAttrs())
	diags = append(diags, d...)
	cfg.Origins = l.origins(l.varFinal)
	return cfg, diags
}

// projectAttrs are the project attributes of the files, in file order.
func (l *loader) projectAttrs() []*hcl.Attribute {
	var out []*hcl.Attribute
	for _, f := range l.files {
		if f.project != nil {
			out = append(out, f.project)
		}
	}
	return out
}

// expandSandboxes decodes every sandbox block of every file, in file and
// block order. Decoding only reads the loader, so a file of thousands of
// blocks is decoded on every core.
func (l *loader) expandSandboxes() ([]*Sandbox, hcl.Diagnostics) {
	type job struct {
		block *hcl.Block
		file  *sourceFile
		ctx   *hcl.EvalContext
	}
	var jobs []job
	for _, f := range l.files {
		ctx := l.evalContext(f.dir)
		for _, block := range f.sandboxes {
			jobs = append(jobs, job{block, f, ctx})
		}
	}
	sbs := make([][]*Sandbox, len(jobs))
	diags := make([]hcl.Diagnostics, len(jobs))
	parallel.For(len(jobs), 64, func(i int) {
		sbs[i], diags[i] = l.expandSandbox(jobs[i].block, jobs[i].file, jobs[i].ctx)
	})
	return slices.Concat(sbs...), slices.Concat(diags...)
}

// loader holds the state of one Load.
type loader struct {
	opts        Options
	parser      *hclparse.Parser
	files       []*sourceFile
	vars        map[string]*variable
	varList     []*variable
	varObject   cty.Value
	locals      map[string]*local
	localOrder  []string
	localObject cty.Value
	varFinal    map[string]varValue // each variable's winning value, for Origins
	std         map[string]function.Function
	funcs       map[string]map[string]function.Function
}

// sourceFile is the top level of one configuration file, split by block type.
type sourceFile struct {
	name, dir string
	relDir    string // the directory as given, for finding *.auto.vars
	sandboxes []*hcl.Block
	variables []*hcl.Block
	locals    []*hcl.Block
	batches   []*hcl.Block
	networks  []*hcl.Block
	project   *hcl.Attribute
}

// addFile takes in one parsed file and declares its variables.
// diags are the parser's, returned with the new ones appended.
func (l *loader) addFile(name string, f *hcl.File, diags hcl.Diagnostics) hcl.Diagnostics {
	if f == nil || f.Body == nil {
		return diags
	}
	sf, d := splitFile(name, f.Body)
	diags = append(diags, d...)
	l.files = append(l.files, sf)
	for _, b := range sf.variables {
		diags = append(diags, l.declare(b, sf.dir)...)
	}
	return diags
}

// splitFile sorts the top-level blocks of a file by type.
func splitFile(name string, body hcl.Body) (*sourceFile, hcl.Diagnostics) {
	content, diags := body.Content(fileSchema)
	dir, err := filepath.Abs(filepath.Dir(name))
	if err != nil {
		dir = filepath.Dir(name)
	}
	sf := &sourceFile{name: name, dir: dir, relDir: filepath.Dir(name), project: content.Attributes["project"]}
	for _, b := range content.Blocks {
		switch b.Type {
		case "sandbox":
			sf.sandboxes = append(sf.sandboxes, b)
		case "variable":
			sf.variables = append(sf.variables, b)
		case "locals":
			sf.locals = append(sf.locals, b)
		case "batch":
			sf.batches = append(sf.batches, b)
		case "network":
			sf.networks = append(sf.networks, b)
		}
	}
	return sf, diags
}

// declare adds one variable block, reporting a duplicate name.
func (l *loader) declare(b *hcl.Block, dir string) hcl.Diagnostics {
	v, diags := declareVariable(b, dir)
	if v == nil {
		return diags
	}
	if prev, ok := l.vars[v.name]; ok {
		return append(diags, duplicate("variable", v.name, prev.declRange, v.declRange))
	}
	l.vars[v.name] = v
	l.varList = append(l.varList, v)
	return diags
}

// varNames lists the declared variables, for suggestions.
func (l *loader) varNames() []string {
	out := make([]string, len(l.varList))
	for i, v := range l.varList {
		out[i] = v.name
	}
	return out
}

// dirs lists the directories of the loaded files, each once, in order, as
// they were given.
func (l *loader) dirs() []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range l.files {
		if !seen[f.dir] {
			seen[f.dir] = true
			out = append(out, f.relDir)
		}
	}
	return out
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
		diags = append(diags, duplicate("sandbox", s.Name, prev.DeclRange, s.DeclRange))
	}
	return diags
}

// duplicate reports a second declaration of a name, naming the first.
func duplicate(kind, name string, first, again hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Duplicate " + kind + " name",
		Detail: fmt.Sprintf("A %s named %q was already declared at %s:%d:%d. Each %s needs a unique name.",
			kind, name, first.Filename, first.Start.Line, first.Start.Column, kind),
		Subject: again.Ptr(),
	}
}
