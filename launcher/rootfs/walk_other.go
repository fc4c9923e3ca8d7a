//go:build !linux

package rootfs

import "io/fs"

// walkTree lists the tree in lexical order and returns the indexes of its
// regular files and how many link targets it read (all of them: prev is
// for the Linux walk, which reuses the targets an index vouches for).
func walkTree(root string, _ *Index) ([]treeEntry, []int, int, error) {
	entries, files, err := walkPortable(root)
	links := 0
	for _, e := range entries {
		if e.mode&fs.ModeSymlink != 0 {
			links++
		}
	}
	return entries, files, links, err
}
