package state

import (
	"fmt"
	"io"
	"os"

	"github.com/hclsandbox/sandbox/internal/exitcode"
)

// AddSubIDUser creates the sandbox user and its ranges for DefaultPoolSize
// sandboxes (doctor --add-sandbox-user), saying what it did on w.
func AddSubIDUser(w io.Writer) error {
	if os.Geteuid() != 0 {
		return exitcode.Errorf(exitcode.Usage, "--add-sandbox-user changes /etc/passwd, /etc/subuid and /etc/subgid: run it as root")
	}
	done, err := SubIDSource{}.AddUser(DefaultPoolSize)
	for _, line := range done {
		fmt.Fprintf(w, "sandbox: %s\n", line)
	}
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "add the sandbox user: %v", err)
	}
	if len(done) == 0 {
		fmt.Fprintf(w, "sandbox: user %s and its ranges exist; nothing to do\n", SubIDUser)
	}
	return nil
}
