package config

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxSourceSize bounds a configuration, variables or lock file: a larger
// one is refused before it is read, so that naming /dev/zero or a huge
// file cannot make loading take all the memory there is.
const MaxSourceSize = 16 << 20

// ReadSource reads a configuration, variables or lock file. A regular file
// larger than MaxSourceSize is refused before it is read; a pipe (such as
// the shell's <(...)) is read up to the limit and refused past it; anything
// else (a device, a socket) is refused unopened.
func ReadSource(name string) ([]byte, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	regular := info.Mode().IsRegular()
	if !regular && info.Mode()&fs.ModeNamedPipe == 0 {
		return nil, fmt.Errorf("%s is %s, not a regular file", name, kindOf(info.Mode()))
	}
	if info.Size() > MaxSourceSize {
		return nil, sourceTooLarge(name)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSourceSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > MaxSourceSize {
		return nil, sourceTooLarge(name)
	}
	return b, nil
}

// kindOf names the kind of file of a mode that is neither regular nor a pipe.
func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a directory"
	}
	return "a special file"
}

func sourceTooLarge(name string) error {
	return fmt.Errorf("%s is larger than %d MiB, the limit for configuration, variables and lock files", name, MaxSourceSize>>20)
}
