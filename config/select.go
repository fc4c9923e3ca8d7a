package config

import "strings"

// Select returns the sandboxes a name stands for, in declaration order: the
// one so named, or every instance of a fanned-out sandbox. An instance may
// be named with or without quotes around its key: worker["eu"] or
// worker[eu].
func (c *Config) Select(name string) []*Sandbox {
	if s := c.Lookup(normalizeName(name)); s != nil {
		return []*Sandbox{s}
	}
	var out []*Sandbox
	for _, s := range c.Sandboxes {
		if s.Key != "" && s.Base == name {
			out = append(out, s)
		}
	}
	return out
}

// normalizeName turns worker[eu] into worker["eu"]; other names are kept.
func normalizeName(name string) string {
	base, rest, ok := strings.Cut(name, "[")
	if !ok || !strings.HasSuffix(rest, "]") {
		return name
	}
	key := strings.TrimSuffix(rest, "]")
	if key == "" || strings.HasPrefix(key, `"`) || strings.Trim(key, "0123456789") == "" {
		return name
	}
	return base + `["` + key + `"]`
}

// SelectNames lists every name Select accepts, for suggestions: each
// sandbox's, and each fanned-out sandbox's base once.
func (c *Config) SelectNames() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range c.Sandboxes {
		if s.Key != "" && !seen[s.Base] {
			seen[s.Base] = true
			out = append(out, s.Base)
		}
		out = append(out, s.Name)
	}
	return out
}
