package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// evalContext is the scope of the expressions of a file in dir: var, local,
// path.config_dir and the functions.
func (l *loader) evalContext(dir string) *hcl.EvalContext {
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":   l.varObject,
			"local": l.localObject,
			"path":  cty.ObjectVal(map[string]cty.Value{"config_dir": cty.StringVal(dir)}),
		},
		Functions: l.functions(dir),
	}
}

// functions returns the function table for files in dir, building the
// shared part on first use.
func (l *loader) functions(dir string) map[string]function.Function {
	if fns, ok := l.funcs[dir]; ok {
		return fns
	}
	if l.std == nil {
		l.std = stdFunctions()
	}
	fns := fileFunctions(l.std, dir, l.opts.lookupEnv(), l.opts.observed(readTextFile))
	l.funcs[dir] = fns
	return fns
}

// readEnvFile reads an env_file file, for Observe to learn.
func (l *loader) readEnvFile(name string) ([]byte, error) {
	return l.opts.observed(ReadSource)(name)
}
