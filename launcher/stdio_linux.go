package launcher

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"reflect"

	"github.com/hclsandbox/sandbox/isolation"
	"golang.org/x/sys/unix"
)

// childStdio is what a sandbox child gets as fds 0-2 (see relay_linux.go
// for why never one of the caller's descriptors) and, when the caller is
// on a terminal, the socket on which the child sends the master of the
// pty it makes inside.
//
// Every output stream is a pipe of ours, relayed to an ImmediateWriter
// (a quiet batch's tail) by the launcher's one relay hub
// (relayhub_linux.go), which holds neither a goroutine nor a buffer per
// stream; to a file, the caller's own stream, by an outputRelay that
// splices; to any other writer, such as up's line writers, by an
// outputRelay that takes a buffer only while there is output (exec.Cmd's
// own copy would hold a goroutine and 32 KiB for every stream of every
// sandbox of a batch for its whole life). So is stdin: exec.Cmd would wait for its
// copy to end, which for a caller's stdin may be never.
type childStdio struct {
	// in, out and errw are the caller's streams, an *os.File replaced by
	// a duplicate of our own, as a child would have had: the caller may
	// close its file once Start returns.
	in        io.Reader
	out, errw io.Writer
	owned     []*os.File
	// stdin is the child's: an empty pipe, or the read end of relayIn.
	stdin   *os.File
	relayIn *os.File
	// stdout and stderr are the child's ends of our output pipes; relays
	// copy our ends once the child runs.
	stdout, stderr *os.File
	relays         []streamRelay
	// termOurs and termTheirs are the terminal socket (isolation.TerminalFD).
	termOurs, termTheirs *os.File
}

func newChildStdio(s Stdio) (*childStdio, error) {
	c := &childStdio{}
	var err error
	if c.in, err = own(c, s.Stdin); err == nil {
		if c.out, err = own(c, s.Stdout); err == nil {
			c.errw, err = own(c, s.Stderr)
		}
	}
	if err != nil {
		c.close()
		return nil, err
	}
	if c.in == nil || s.Terminal != nil {
		c.stdin, err = emptyStdin()
	} else {
		c.relayIn, c.stdin, err = sandboxPipe(true)
	}
	if err == nil {
		c.stdout, err = c.outputPipe(c.out)
	}
	switch {
	case err == nil && sameWriter(c.out, c.errw):
		// One pipe and one relay for both, as 2>&1 would: half the
		// pipes and relays of a quiet batch, which keeps only the
		// last lines of the two streams together.
		c.stderr = c.stdout
	case err == nil:
		c.stderr, err = c.outputPipe(c.errw)
	}
	if err == nil && s.Terminal != nil {
		c.termOurs, c.termTheirs, err = terminalSocket()
	}
	if err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

// apply connects cmd to the child's streams; call it after ExtraFiles up
// to isolation.ExecFD are set.
func (c *childStdio) apply(cmd *exec.Cmd) {
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.stdin, c.stdout, c.stderr
	if c.termTheirs != nil {
		for len(cmd.ExtraFiles) < isolation.TerminalFD-3 {
			cmd.ExtraFiles = append(cmd.ExtraFiles, nil) // closed in the child
		}
		cmd.ExtraFiles = append(cmd.ExtraFiles, c.termTheirs)
	}
}

// own returns v, or for an *os.File a duplicate that c owns; a nil
// *os.File is no stream at all.
func own[T any](c *childStdio, v T) (T, error) {
	var zero T
	f, ok := any(v).(*os.File)
	if !ok {
		return v, nil
	}
	if f == nil {
		return zero, nil
	}
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return zero, fmt.Errorf("duplicate %s for the sandbox's stdio: %w", f.Name(), err)
	}
	d := os.NewFile(uintptr(fd), f.Name())
	c.owned = append(c.owned, d)
	return any(d).(T), nil
}

// outputPipe gives the child a pipe of ours relayed to w (nil: read and
// dropped) and returns the child's end.
func (c *childStdio) outputPipe(w io.Writer) (*os.File, error) {
	ours, theirs, err := sandboxPipe(false)
	if err != nil {
		return nil, err
	}
	c.relays = append(c.relays, newStreamRelay(w, ours))
	return theirs, nil
}

// sameWriter reports whether a and b are one writer held by pointer (a
// caller's file is no longer one: own duplicates it for each stream).
func sameWriter(a, b io.Writer) bool {
	if a == nil || b == nil {
		return false
	}
	t := reflect.TypeOf(a)
	return t.Kind() == reflect.Pointer && t == reflect.TypeOf(b) && a == b
}

// started closes the child's ends in the launcher and starts the copy of
// the caller's stdin.
func (c *childStdio) started() {
	for _, f := range []*os.File{c.stdin, c.stdout, c.stderr} {
		if f != nil {
			f.Close()
		}
	}
	c.stdin, c.stdout, c.stderr = nil, nil, nil
	for _, r := range c.relays {
		r.start()
	}
	if c.termTheirs != nil {
		c.termTheirs.Close()
		c.termTheirs = nil
	}
	if c.relayIn != nil {
		relayInput(c.relayIn, c.in)
	}
}

// attach receives the sandbox's terminal, once its target runs, and
// relays it to the caller's streams; without a terminal it returns nil.
func (c *childStdio) attach() (*terminal, error) {
	if c.termOurs == nil {
		return nil, nil
	}
	master, err := receiveMaster(c.termOurs)
	c.termOurs.Close()
	c.termOurs = nil
	if err != nil {
		return nil, err
	}
	return relayTerminal(master, c.in, c.out), nil
}

// finish, once the child has ended, copies the output it left and
// closes whatever the launcher still holds: the input relay ends at its
// next write.
func (c *childStdio) finish() {
	for _, r := range c.relays {
		r.finish()
	}
	c.relays = nil
	c.close()
}

// close closes whatever the launcher still holds.
func (c *childStdio) close() {
	for _, r := range c.relays {
		r.abandon()
	}
	for _, f := range append([]*os.File{c.stdin, c.stdout, c.stderr, c.relayIn, c.termOurs, c.termTheirs}, c.owned...) {
		if f != nil {
			f.Close()
		}
	}
}
