package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// Batch is the top-level batch block: what the whole set of sandboxes of
// one `up` may consume together.
type Batch struct {
	// Limits cap every sandbox of the batch together, through one parent
	// cgroup that holds each sandbox's own.
	Limits *Limits
	// DeclRange is the range of the block header.
	DeclRange hcl.Range
}

// batchSchema is the body of a batch block.
var batchSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: "limits"}},
}

// decodeBatch decodes the one batch block the files may hold, or returns
// nil when there is none.
func (l *loader) decodeBatch() (*Batch, hcl.Diagnostics) {
	var blocks hcl.Blocks
	var ctxs []*hcl.EvalContext
	for _, f := range l.files {
		for _, b := range f.batches {
			blocks = append(blocks, b)
			ctxs = append(ctxs, l.evalContext(f.dir))
		}
	}
	if len(blocks) == 0 {
		return nil, nil
	}
	diags := onlyBatch(blocks)
	content, d := blocks[0].Body.Content(batchSchema)
	diags = append(diags, d...)
	b := &Batch{DeclRange: blocks[0].DefRange}
	limits := content.Blocks.OfType("limits")
	if len(limits) > 0 {
		diags = append(diags, onlyOne(limits)...)
		holder := &Sandbox{Ranges: map[string]hcl.Range{}}
		b.Limits = decodeLimits(holder, limits[0].Body, ctxs[0], &diags)
	}
	return b, diags
}

// onlyBatch reports every batch block after the first, in any file.
func onlyBatch(blocks hcl.Blocks) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, b := range blocks[1:] {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Duplicate batch block",
			Detail: fmt.Sprintf("The configuration takes one batch block; the first is at %s:%d.",
				blocks[0].DefRange.Filename, blocks[0].DefRange.Start.Line),
			Subject: b.DefRange.Ptr(),
		})
	}
	return diags
}
