package config

import "github.com/hashicorp/hcl/v2"

// fileSchema is the top level of a configuration file.
var fileSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "project"}},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "sandbox", LabelNames: []string{"name"}},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "batch"},
		{Type: "network", LabelNames: []string{"name"}},
	},
}

// sandboxSchema is the body of a sandbox block.
var sandboxSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "command"}, // required unless image is set: see checkCommandSet
		{Name: "env"},
		{Name: "env_file"},
		{Name: "workdir"},
		{Name: "hostname"},
		{Name: "rootfs"},
		{Name: "image"},
		{Name: "namespaces"},
		{Name: "oom_score_adj"},
		{Name: "timeout"},
		{Name: "shm_size"},
		{Name: "tmp_size"},
		{Name: "user"},
		{Name: "uid_map"},
		{Name: "gid_map"},
		{Name: "no_new_privileges"},
		{Name: "seccomp"},
		{Name: "count"},
		{Name: "for_each"},
		{Name: "depends_on"},
		{Name: "stop_signal"},
		{Name: "stop_timeout"},
		{Name: "init"},
		{Name: "restart"},
		{Name: "max_restarts"},
		{Name: "network"},
		{Name: "ports"},
		{Name: "aliases"},
		{Name: "dns"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "limits"}, {Type: "rlimits"}, {Type: "rootfs"}, {Type: "mount"}, {Type: "capabilities"}, {Type: "watch"}, {Type: "expect"}, {Type: "health"}, {Type: "clock_offsets"}},
}

// variableSchema is the body of a variable block.
var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"},
		{Name: "default"},
		{Name: "description"},
		{Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

// validationSchema is the body of a variable's validation block.
var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "error_message", Required: true},
	},
}
