package config

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// decodeEnvFiles reads the env_file attribute's files, in order, into
// the variables they set; the env attribute then sets its own on top, as
// compose does. A file holds KEY=VALUE lines (an optional "export " before
// them, a value in matching single or double quotes taken without them),
// blank lines and # comments; anything else is an error at its line.
// read reads each file (ReadSource, observed).
func decodeEnvFiles(s *Sandbox, a *hcl.Attribute, read func(string) ([]byte, error), ctx *hcl.EvalContext) hcl.Diagnostics {
	paths, diags := stringOrList(a, ctx)
	if diags.HasErrors() {
		return diags
	}
	env := map[string]string{}
	for _, p := range paths {
		path := resolvePath(s.Dir, p)
		s.EnvFiles = append(s.EnvFiles, path)
		b, err := read(path)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			diags = append(diags, invalid(a, "Cannot read env_file", "The env_file %s: %v.", p, err)...)
			continue
		}
		diags = append(diags, parseEnvFile(b, p, a, env)...)
	}
	for k, v := range s.Env {
		env[k] = v // the block's own env wins
	}
	if len(env) > 0 {
		s.Env = env
	}
	return diags
}

// parseEnvFile adds the variables of one env file to env.
func parseEnvFile(b []byte, name string, a *hcl.Attribute, env map[string]string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), MaxSourceSize)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		k = strings.TrimSpace(k)
		switch {
		case !ok:
			diags = append(diags, invalid(a, "Invalid env_file line", "%s:%d: %q is not KEY=VALUE.", name, n, line)...)
		case !envName.match(k):
			diags = append(diags, invalid(a, "Invalid environment variable name", "%s:%d: %q is not a valid environment variable name: use letters, digits and '_', not starting with a digit.", name, n, k)...)
		case strings.ContainsRune(v, 0):
			diags = append(diags, invalid(a, "Invalid environment value", "%s:%d: the value of %s contains a NUL byte.", name, n, k)...)
		default:
			env[k] = unquote(strings.TrimSpace(v))
		}
	}
	if err := sc.Err(); err != nil {
		diags = append(diags, invalid(a, "Cannot read env_file", "The env_file %s: %v.", name, err)...)
	}
	return diags
}

// unquote strips one pair of matching single or double quotes.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// stringOrList decodes a string or a list of strings as a list.
func stringOrList(a *hcl.Attribute, ctx *hcl.EvalContext) ([]string, hcl.Diagnostics) {
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		return nil, diags
	}
	if v.Type() == cty.String {
		if v.IsNull() || !v.IsKnown() {
			return nil, nil
		}
		return []string{v.AsString()}, nil
	}
	list, d := stringList(a, ctx)
	if d.HasErrors() {
		return nil, invalid(a, "Incorrect attribute value type", "The value of %q must be a string or a list of strings.", a.Name)
	}
	return list, nil
}
