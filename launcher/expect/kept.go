package expect

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/config"
)

// maxKept is the largest checked file read, so that a sandbox cannot make
// a check hold gigabytes in memory.
const maxKept = 64 << 20

// ReadKept reads a file the sandbox left on the host, beneath its root
// without following any symlink (the sandbox could have planted one to a
// host file), falling back to the lower layer when the upper has no copy.
// Only a regular file is read.
func ReadKept(f config.FileExpect) ([]byte, error) {
	b, err := readBeneath(f.Root, f.Rel)
	if errors.Is(err, os.ErrNotExist) && f.Lower != "" {
		b, err = readBeneath(f.Lower, f.Rel)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Path, err)
	}
	return b, nil
}

// readFrom reads at most maxKept bytes of a regular file.
func readFrom(file *os.File) ([]byte, error) {
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", info.Mode().Type())
	}
	b, err := io.ReadAll(io.LimitReader(file, maxKept+1))
	if err == nil && len(b) > maxKept {
		err = fmt.Errorf("larger than %d MiB", maxKept>>20)
	}
	return b, err
}

// join is root and the slash-separated rel as a host path, for messages.
func join(root, rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
