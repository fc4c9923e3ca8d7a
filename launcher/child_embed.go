//go:build embedchild

package launcher

import _ "embed"

// childBinary is cmd/sandbox-init, built and copied here by make build.
//
//go:embed sandbox-init
var childBinary []byte
