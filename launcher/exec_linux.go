package launcher

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"

	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher/state"
	"golang.org/x/sys/unix"
)

// execSocket binds the exec socket of a claimed sandbox that runs the
// init, and returns the listening socket for the child's
// isolation.ExecFD; nil without an init or a claim.
func execSocket(c *state.Claim, p *Plan) (*os.File, error) {
	if c == nil || !p.Spec.Init {
		return nil, nil
	}
	return listenExec(c.Dir(), state.ExecSocket)
}

// listenExec binds an exec socket as name in the state directory dir,
// in place of whatever is there, and returns it as a file.
func listenExec(dir, name string) (*os.File, error) {
	path := filepath.Join(dir, name)
	os.Remove(path)
	addr, done, err := sockAddr(dir, name)
	if err != nil {
		return nil, fmt.Errorf("listen on exec socket %s: %w", path, err)
	}
	l, err := net.ListenUnix("unixpacket", &net.UnixAddr{Name: addr, Net: "unixpacket"})
	done()
	if err != nil {
		return nil, fmt.Errorf("listen on exec socket %s: %w", path, err)
	}
	l.SetUnlinkOnClose(false)
	defer l.Close()
	f, err := l.File()
	if err != nil {
		return nil, fmt.Errorf("listen on exec socket %s: %w", path, err)
	}
	return f, nil
}

// Execution is a command started by Exec inside a running sandbox.
type Execution struct {
	conn *net.UnixConn
	// stdin is our end of the command's stdin pipe, fed from the
	// request's Stdin once the command runs.
	stdin *os.File
	// out relays the command's stdout and stderr pipes; term its terminal.
	out  []*outputRelay
	term *terminal
}

// Exec starts a command inside the running sandbox name: in all its
// namespaces, its cgroup, with its capabilities, seccomp filter and user,
// because the sandbox's init starts it. It returns once the command runs;
// a command that could not start is an *isolation.StepError, whose
// ExitCode is the one to report.
func Exec(d state.Dir, name string, req ExecRequest) (*Execution, error) {
	dir, err := d.Dir(name)
	if err != nil {
		return nil, fmt.Errorf("exec: %w", err)
	}
	r, err := d.Read(name)
	if errors.Is(err, os.ErrNotExist) || (err == nil && !r.Live()) {
		return nil, fmt.Errorf("exec in %s: %w", name, state.ErrNotRunning)
	}
	if err != nil {
		return nil, err
	}
	if !r.Init {
		return nil, fmt.Errorf("exec in %s: the sandbox runs without an init (init = false), and its init is what starts exec'd commands", name)
	}
	path := filepath.Join(dir, state.ExecSocket)
	addr, done, err := sockAddr(dir, state.ExecSocket)
	if err != nil {
		return nil, fmt.Errorf("exec in %s: connect to %s: %w", name, path, err)
	}
	c, err := net.DialUnix("unixpacket", nil, &net.UnixAddr{Name: addr, Net: "unixpacket"})
	done()
	if err != nil {
		return nil, fmt.Errorf("exec in %s: connect to %s: %w", name, path, err)
	}
	x := &Execution{conn: c}
	if err := x.start(req); err != nil {
		x.finish()
		c.Close()
		var stepErr *isolation.StepError
		if errors.As(err, &stepErr) {
			return nil, err
		}
		return nil, fmt.Errorf("exec in %s: %w", name, err)
	}
	return x, nil
}

// start sends the request with the command's ends of its streams, and
// relays ours once the init reports that the command runs.
func (x *Execution) start(req ExecRequest) error {
	theirs, err := x.openStreams(req)
	if err == nil {
		err = sendExecRequest(x.conn, req, theirs)
	}
	for _, f := range theirs {
		f.Close()
	}
	if err != nil {
		return err
	}
	m, master, err := readExecReply(x.conn)
	if master != nil && err == nil && m.Pid != 0 && req.Terminal != nil {
		x.term = relayTerminal(master, req.Stdin, req.Stdout)
	} else if master != nil {
		master.Close()
	}
	switch {
	case err != nil:
		return err
	case m.Error != nil:
		return m.Error
	case m.Pid == 0:
		return errors.New("malformed reply: no pid")
	case req.Terminal != nil && x.term == nil:
		return errors.New("the init sent no terminal")
	}
	if x.stdin != nil {
		relayInput(x.stdin, req.Stdin)
	}
	return nil
}

// openStreams makes the command's stdin, stdout and stderr pipes, none
// with a terminal, and returns the command's ends.
func (x *Execution) openStreams(req ExecRequest) ([]*os.File, error) {
	if req.Terminal != nil {
		return nil, nil
	}
	var theirs []*os.File
	var in *os.File
	var err error
	if req.Stdin == nil {
		in, err = emptyStdin()
	} else {
		x.stdin, in, err = sandboxPipe(true)
	}
	if err != nil {
		return nil, err
	}
	theirs = append(theirs, in)
	for _, w := range []io.Writer{req.Stdout, req.Stderr} {
		ours, t, err := sandboxPipe(false)
		if err != nil {
			return theirs, err
		}
		x.out = append(x.out, relayOutput(w, ours))
		theirs = append(theirs, t)
	}
	return theirs, nil
}

func sendExecRequest(c *net.UnixConn, req ExecRequest, stdio []*os.File) error {
	msg := isolation.ExecMessage{Args: req.Args, Env: req.Env, Cwd: req.Cwd, Terminal: req.Terminal}
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	var oob []byte
	if len(stdio) > 0 {
		fds := make([]int, len(stdio))
		for i, f := range stdio {
			fds[i] = int(f.Fd())
		}
		oob = syscall.UnixRights(fds...)
	}
	if _, _, err := c.WriteMsgUnix(b, oob, nil); err != nil {
		return fmt.Errorf("send request: %w", err)
	}
	return nil
}

// readExecReply reads one message from the init, and the pty master it
// may carry.
func readExecReply(c *net.UnixConn) (isolation.ExecMessage, *os.File, error) {
	var m isolation.ExecMessage
	buf, oob := make([]byte, 1<<16), make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := c.ReadMsgUnix(buf, oob)
	if err != nil || n == 0 {
		return m, nil, errors.New("the sandbox ended before the command")
	}
	var master *os.File
	if oobn > 0 {
		if master, err = masterFromRights(oob[:oobn]); err != nil {
			return m, nil, err
		}
	}
	if err := json.Unmarshal(buf[:n], &m); err != nil {
		if master != nil {
			master.Close()
		}
		return m, nil, fmt.Errorf("malformed reply: %w", err)
	}
	return m, master, nil
}

// Wait passes signals on until the init reports the command's end, then
// copies the output the command left, and returns its exit code, or
// 128+N for signal N. The exit code is never reported before the output.
func (x *Execution) Wait(sigs <-chan os.Signal) (int, error) {
	defer x.conn.Close()
	done := make(chan struct{})
	go x.forward(sigs, done)
	code, err := x.awaitExit()
	close(done)
	x.finish()
	return code, err
}

func (x *Execution) forward(sigs <-chan os.Signal, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case sig := <-sigs:
			b, _ := json.Marshal(isolation.ExecMessage{Signal: int(sig.(syscall.Signal))})
			x.conn.Write(b)
		}
	}
}

func (x *Execution) awaitExit() (int, error) {
	for {
		m, master, err := readExecReply(x.conn)
		if master != nil {
			master.Close()
		}
		switch {
		case err != nil:
			return 0, fmt.Errorf("exec: %w", err)
		case m.Error != nil:
			return m.Error.ExitCode(), m.Error
		case m.Exit != nil:
			return *m.Exit, nil
		}
	}
}

// finish copies what the command's streams still hold, without waiting
// for a process that outlived it, and closes them.
func (x *Execution) finish() {
	for _, r := range x.out {
		r.finish()
	}
	x.term.finish()
	if x.stdin != nil {
		x.stdin.Close()
	}
}

// Resize sets the size of the command's terminal (ExecRequest.Terminal);
// without one it does nothing.
func (x *Execution) Resize(ws Winsize) error {
	return x.term.resize(ws)
}
