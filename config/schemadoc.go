package config

import (
	"slices"
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// blockSchemas maps each nested block type to the schema of its body, by
// the path of the block that holds it ("" is the top level of a file).
// Blocks whose body is free-form (locals, rlimits) have no entry.
var blockSchemas = map[string]*hcl.BodySchema{
	"":                      fileSchema,
	"sandbox":               sandboxSchema,
	"sandbox.limits":        limitsSchema,
	"sandbox.rootfs":        rootfsSchema,
	"sandbox.mount":         mountSchema,
	"sandbox.capabilities":  capabilitiesSchema,
	"sandbox.watch":         watchSchema,
	"sandbox.expect":        expectSchema,
	"sandbox.expect.stdout": outputExpectSchema,
	"sandbox.expect.stderr": outputExpectSchema,
	"sandbox.expect.file":   fileExpectSchema,
	"sandbox.clock_offsets": clockOffsetsSchema,
	"sandbox.health":        healthSchema,
	"variable":              variableSchema,
	"variable.validation":   validationSchema,
	"batch":                 batchSchema,
	"batch.limits":          limitsSchema,
	"network":               networkSchema,
}

// SchemaDoc lists every block and attribute the language accepts, as
// dotted paths sorted by name: "sandbox" is a block, "sandbox.command" one
// of its attributes, "sandbox.limits.memory" an attribute of a nested
// block. The rlimits block's attributes are RlimitNames; the names in a
// locals block are the user's own and are not listed. docs/reference.md
// documents exactly this list, and a test keeps the two in step.
func SchemaDoc() []string {
	var out []string
	var walk func(path string)
	walk = func(path string) {
		s, ok := blockSchemas[path]
		if path == "sandbox.rlimits" {
			for _, n := range RlimitNames {
				out = append(out, path+"."+n)
			}
		}
		if !ok {
			return
		}
		for _, a := range s.Attributes {
			out = append(out, schemaPath(path, a.Name))
		}
		for _, b := range s.Blocks {
			out = append(out, schemaPath(path, b.Type))
			walk(schemaPath(path, b.Type))
		}
	}
	walk("")
	sort.Strings(out)
	return slices.Compact(out) // rootfs is both an attribute and a block
}

func schemaPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
