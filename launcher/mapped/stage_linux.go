package mapped

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// syncFD is the stage's end of the pipe the launcher closes once the maps
// are written.
const syncFD = 3

// IsStage reports whether this process was started as a stage.
func IsStage() bool { return len(os.Args) > 2 && os.Args[1] == StageArg }

// StageMain runs the stage's operation and exits: 0 when it succeeded, 1
// with its error on stderr when not.
func StageMain() {
	if err := stage(os.Args[2], os.Args[3:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

func stage(name string, args []string) error {
	op := lookup(name)
	if op == nil {
		return fmt.Errorf("no operation %q", name)
	}
	sync := os.NewFile(syncFD, "sync")
	if _, err := io.Copy(io.Discard, sync); err != nil {
		return fmt.Errorf("wait for the id maps: %w", err)
	}
	sync.Close()
	if err := becomeRoot(); err != nil {
		return err
	}
	return op(args, os.Stdin, os.Stdout)
}

// becomeRoot makes every thread uid and gid 0 of the namespace, without
// the caller's supplementary groups, keeping the ambient capabilities
// the stage started with.
func becomeRoot() error {
	if err := syscall.Setgroups(nil); err != nil && err != syscall.EPERM {
		return fmt.Errorf("drop supplementary groups: %w", err)
	}
	if err := syscall.Setresgid(0, 0, 0); err != nil {
		return fmt.Errorf("become gid 0 of the user namespace: %w", err)
	}
	if err := syscall.Setresuid(0, 0, 0); err != nil {
		return fmt.Errorf("become uid 0 of the user namespace: %w", err)
	}
	return nil
}

// Run runs the operation name with args in a stage under maps m, giving it
// in and taking its output on out. Its error says what the stage said.
func Run(m *Maps, name string, args []string, in io.Reader, out io.Writer) error {
	syncR, syncW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("%s in a user namespace: %w", name, err)
	}
	defer syncW.Close()
	var stderr bytes.Buffer
	cmd := &exec.Cmd{
		Path:       "/proc/self/exe",
		Args:       append([]string{"sandbox", StageArg, name}, args...),
		Env:        []string{},
		Stdin:      in,
		Stdout:     out,
		Stderr:     &stderr,
		ExtraFiles: []*os.File{syncR},
		SysProcAttr: &syscall.SysProcAttr{
			Cloneflags:  syscall.CLONE_NEWUSER,
			AmbientCaps: AllCaps(),
			Pdeathsig:   syscall.SIGKILL,
		},
	}
	err = cmd.Start()
	syncR.Close()
	if err != nil {
		return fmt.Errorf("%s in a user namespace: %w", name, err)
	}
	if err := WriteMaps(cmd.Process.Pid, m.UID, m.GID); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return fmt.Errorf("%s in a user namespace: %w", name, err)
	}
	syncW.Close()
	err = cmd.Wait()
	if said := strings.TrimSpace(stderr.String()); said != "" {
		return errors.New(said)
	}
	if err != nil {
		return fmt.Errorf("%s in a user namespace: %w", name, err)
	}
	return nil
}
