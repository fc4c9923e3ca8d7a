package launcher

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"

	"github.com/hclsandbox/sandbox/isolation"
)

// execSocket binds the exec socket of a claimed sandbox that runs the
// init, and returns the spec to send, which asks the init to serve it,
// and the listening socket for the child's isolation.ExecFD (nil without).
func (c *Claim) execSocket(p *Plan) (*isolation.Spec, *os.File, error) {
	spec := p.Spec
	if c == nil || !spec.Init {
		return &spec, nil, nil
	}
	path := filepath.Join(c.dir, ExecSocket)
	os.Remove(path)
	l, err := net.ListenUnix("unixpacket", &net.UnixAddr{Name: path, Net: "unixpacket"})
	if err != nil {
		return nil, nil, fmt.Errorf("listen on exec socket %s: %w", path, err)
	}
	l.SetUnlinkOnClose(false)
	defer l.Close()
	f, err := l.File()
	if err != nil {
		return nil, nil, fmt.Errorf("listen on exec socket %s: %w", path, err)
	}
	spec.ExecServer = true
	return &spec, f, nil
}

// Exec runs a command inside the running sandbox name: in all its
// namespaces, its cgroup, with its capabilities, seccomp filter and user,
// because the sandbox's init starts it. Signals received on sigs are
// passed on. It returns the command's exit code, or 128+N for signal N.
func (d StateDir) Exec(name string, req ExecRequest, sigs <-chan os.Signal) (int, error) {
	dir, err := d.Dir(name)
	if err != nil {
		return 0, fmt.Errorf("exec: %w", err)
	}
	r, err := d.Read(name)
	if errors.Is(err, os.ErrNotExist) || (err == nil && !r.Live()) {
		return 0, fmt.Errorf("exec in %s: %w", name, ErrNotRunning)
	}
	if err != nil {
		return 0, err
	}
	if !r.Init {
		return 0, fmt.Errorf("exec in %s: the sandbox runs without an init (init = false), and its init is what starts exec'd commands", name)
	}
	path := filepath.Join(dir, ExecSocket)
	c, err := net.DialUnix("unixpacket", nil, &net.UnixAddr{Name: path, Net: "unixpacket"})
	if err != nil {
		return 0, fmt.Errorf("exec in %s: connect to %s: %w", name, path, err)
	}
	defer c.Close()
	if err := sendExecRequest(c, req); err != nil {
		return 0, fmt.Errorf("exec in %s: %w", name, err)
	}
	return awaitExec(c, sigs)
}

func sendExecRequest(c *net.UnixConn, req ExecRequest) error {
	b, err := json.Marshal(isolation.ExecMessage{Args: req.Args, Env: req.Env, Cwd: req.Cwd})
	if err != nil {
		return err
	}
	fds := make([]int, 3)
	for i, f := range req.Stdio {
		fds[i] = int(f.Fd())
	}
	if _, _, err := c.WriteMsgUnix(b, syscall.UnixRights(fds...), nil); err != nil {
		return fmt.Errorf("send request: %w", err)
	}
	return nil
}

// awaitExec passes signals on until the init reports the command's end.
func awaitExec(c *net.UnixConn, sigs <-chan os.Signal) (int, error) {
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case <-done:
				return
			case sig := <-sigs:
				b, _ := json.Marshal(isolation.ExecMessage{Signal: int(sig.(syscall.Signal))})
				c.Write(b)
			}
		}
	}()
	buf := make([]byte, 1<<16)
	for {
		n, err := c.Read(buf)
		if err != nil || n == 0 {
			return 0, errors.New("exec: the sandbox ended before the command")
		}
		var m isolation.ExecMessage
		if err := json.Unmarshal(buf[:n], &m); err != nil {
			return 0, fmt.Errorf("exec: malformed reply: %w", err)
		}
		switch {
		case m.Error != nil:
			return m.Error.ExitCode(), m.Error
		case m.Exit != nil:
			return *m.Exit, nil
		}
	}
}
