//go:build !embedchild

package launcher

// childBinary is empty in a plain go build: the launcher re-executes itself
// as the child. make build embeds cmd/sandbox-init instead (tag embedchild).
var childBinary []byte
