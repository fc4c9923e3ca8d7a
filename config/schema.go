package config

import "github.com/hashicorp/hcl/v2"

// fileSchema is the top level of a configuration file.
var fileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "sandbox", LabelNames: []string{"name"}},
	},
}

// sandboxSchema is the body of a sandbox block.
var sandboxSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "command", Required: true},
		{Name: "env"},
		{Name: "workdir"},
		{Name: "hostname"},
		{Name: "rootfs"},
		{Name: "namespaces"},
		{Name: "oom_score_adj"},
		{Name: "timeout"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "limits"}, {Type: "rlimits"}, {Type: "rootfs"}, {Type: "mount"}},
}
