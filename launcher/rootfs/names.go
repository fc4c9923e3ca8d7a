package rootfs

import (
	"errors"
	"path"
	"strings"
)

// entryName turns an archive entry's name into a clean path relative to the
// target directory. Absolute names and names with a ".." component are
// refused rather than rewritten: an archive that holds them was not made
// from a root filesystem. "." (the root itself) comes back as ".".
func entryName(name string) (string, error) {
	if strings.HasPrefix(name, "/") {
		return "", errors.New("absolute path; entries must be relative to the archive's root")
	}
	for _, c := range strings.Split(name, "/") {
		if c == ".." {
			return "", errors.New("path has a \"..\" component")
		}
	}
	if strings.ContainsRune(name, 0) {
		return "", errors.New("path has a NUL byte")
	}
	return path.Clean(name), nil
}
