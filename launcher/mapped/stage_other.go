//go:build !linux

package mapped

import (
	"errors"
	"io"
)

// IsStage reports whether this process was started as a stage: never here.
func IsStage() bool { return false }

// StageMain does nothing here.
func StageMain() {}

// Run fails: user namespaces are Linux's.
func Run(m *Maps, name string, args []string, in io.Reader, out io.Writer) error {
	return errors.New("user namespaces need Linux")
}
