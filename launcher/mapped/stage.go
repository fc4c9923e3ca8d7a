package mapped

import (
	"io"
	"sync"
)

// StageArg, as the first argument, makes the launcher's program a stage
// (see the package documentation). It is internal: no one types it.
const StageArg = "__sandbox_mapped__"

// Op is an operation a stage runs as root of its user namespace, with the
// arguments it was given, reading in and writing its result to out.
type Op func(args []string, in io.Reader, out io.Writer) error

var (
	opsMu sync.Mutex
	ops   = map[string]Op{}
)

// Register makes op runnable in a stage under name; packages register
// their operations at init.
func Register(name string, op Op) {
	opsMu.Lock()
	defer opsMu.Unlock()
	ops[name] = op
}

func lookup(name string) Op {
	opsMu.Lock()
	defer opsMu.Unlock()
	return ops[name]
}
