package config

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// decodeIDMaps reads uid_map and gid_map: lists of "INSIDE:OUTSIDE:COUNT",
// which only a sandbox with a user namespace may have.
func decodeIDMaps(s *Sandbox, attrs hcl.Attributes, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range []string{"uid_map", "gid_map"} {
		a, ok := attrs[name]
		if !ok {
			continue
		}
		lines, d := stringList(a, ctx)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		maps, d := parseIDMaps(lines, a)
		diags = append(diags, d...)
		if !s.HasNamespace("user") {
			diags = append(diags, invalid(a, "Id map without a user namespace",
				"%s only applies to a sandbox with its own user namespace: add \"user\" to namespaces.", name)...)
		}
		if name == "uid_map" {
			s.UIDMap = maps
		} else {
			s.GIDMap = maps
		}
	}
	return diags
}

func parseIDMaps(lines []string, a *hcl.Attribute) ([]IDMap, hcl.Diagnostics) {
	var out []IDMap
	for _, line := range lines {
		f := strings.Split(line, ":")
		var n [3]uint64
		ok := len(f) == 3
		for i := 0; ok && i < 3; i++ {
			var err error
			n[i], err = strconv.ParseUint(f[i], 10, 32)
			ok = err == nil
		}
		if !ok || n[2] == 0 {
			return nil, invalid(a, "Invalid id map",
				"%q is not an id map: write \"INSIDE:OUTSIDE:COUNT\" with whole numbers and COUNT above 0, such as \"0:100000:65536\".", line)
		}
		out = append(out, IDMap{Inside: uint32(n[0]), Outside: uint32(n[1]), Count: uint32(n[2])})
	}
	return out, nil
}
