//go:build !linux

package rootfs

// walkTree lists the tree in lexical order and returns the indexes of its
// regular files.
func walkTree(root string) ([]treeEntry, []int, error) { return walkPortable(root) }
