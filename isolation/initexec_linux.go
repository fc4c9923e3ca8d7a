package isolation

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// spawnRequest asks the init's locked thread to start an exec'd command:
// only that thread carries the sandbox's capabilities and seccomp filter,
// and a child inherits the state of the thread that forks it.
type spawnRequest struct {
	msg   ExecMessage
	files []uintptr
	reply chan<- spawnResult
}

type spawnResult struct {
	pid    int
	err    *StepError
	exited <-chan unix.WaitStatus
	// terminal is the master of the command's terminal, or nil.
	terminal *os.File
}

// startExecServer accepts exec requests on ExecFD, if the spec has one.
func startExecServer(in *initProc, s *Spec) {
	if !s.ExecServer {
		return
	}
	f := os.NewFile(ExecFD, "exec")
	l, err := net.FileListener(f) // a duplicate of fd 5
	f.Close()
	ul, ok := l.(*net.UnixListener)
	if err != nil || !ok {
		fmt.Fprintf(os.Stderr, "sandbox: exec server: listen on fd %d: %v\n", ExecFD, err)
		return // exec is refused; the sandbox itself runs on
	}
	go func() {
		for {
			c, err := ul.AcceptUnix()
			if err != nil {
				return
			}
			go in.serveExec(c, s)
		}
	}()
}

// serveExec runs one exec request: it has the command started, passes on
// signals and reports the command's end.
func (in *initProc) serveExec(c *net.UnixConn, s *Spec) {
	defer c.Close()
	msg, files, err := readExecRequest(c)
	if err != nil {
		for _, fd := range files {
			unix.Close(int(fd))
		}
		writeExec(c, ExecMessage{Error: err})
		return
	}
	reply := make(chan spawnResult, 1)
	in.spawns <- spawnRequest{msg: msg, files: files, reply: reply}
	res := <-reply
	for _, fd := range files {
		unix.Close(int(fd))
	}
	if res.err != nil {
		writeExec(c, ExecMessage{Error: res.err})
		return
	}
	started := ExecMessage{Pid: res.pid}
	if res.terminal != nil {
		writeExec(c, started, int(res.terminal.Fd()))
		res.terminal.Close()
	} else {
		writeExec(c, started)
	}
	go in.relaySignals(c, res.pid)
	code := exitStatus(<-res.exited)
	writeExec(c, ExecMessage{Exit: &code})
}

// readExecRequest reads the request and its three stdio fds, or none
// when it asks for a terminal.
func readExecRequest(c *net.UnixConn) (ExecMessage, []uintptr, *StepError) {
	var msg ExecMessage
	buf, oob := make([]byte, 1<<16), make([]byte, unix.CmsgSpace(3*4))
	n, oobn, _, _, err := c.ReadMsgUnix(buf, oob)
	if err != nil {
		return msg, nil, stepErr("read exec request", err)
	}
	files, ferr := receivedFDs(oob[:oobn])
	if err := json.Unmarshal(buf[:n], &msg); err != nil {
		return msg, files, &StepError{Step: "read exec request", Msg: "malformed request: " + err.Error()}
	}
	want := 3
	if msg.Terminal != nil {
		want = 0
	}
	if ferr != nil || len(files) != want {
		return msg, files, &StepError{Step: "read exec request", Msg: fmt.Sprintf("want %d stdio fds, got %d (%v)", want, len(files), ferr)}
	}
	if len(msg.Args) == 0 {
		return msg, files, &StepError{Step: "read exec request", Msg: "no command"}
	}
	return msg, files, nil
}

func receivedFDs(oob []byte) ([]uintptr, error) {
	cmsgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, err
	}
	var out []uintptr
	for _, m := range cmsgs {
		fds, err := unix.ParseUnixRights(&m)
		if err != nil {
			return out, err
		}
		for _, fd := range fds {
			out = append(out, uintptr(fd))
		}
	}
	return out, nil
}

// relaySignals passes the client's signal messages on to pid while it has
// not been reaped.
func (in *initProc) relaySignals(c *net.UnixConn, pid int) {
	buf := make([]byte, 512)
	for {
		n, err := c.Read(buf)
		if err != nil || n == 0 {
			return
		}
		var m ExecMessage
		if json.Unmarshal(buf[:n], &m) != nil || m.Signal <= 0 || m.Signal > 64 {
			continue
		}
		in.mu.Lock()
		if _, alive := in.waiters[pid]; alive {
			unix.Kill(pid, syscall.Signal(m.Signal))
		}
		in.mu.Unlock()
	}
}

// writeExec sends m, with fds as SCM_RIGHTS.
func writeExec(c *net.UnixConn, m ExecMessage, fds ...int) {
	b, _ := json.Marshal(m)
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	c.WriteMsgUnix(b, oob, nil)
}

// spawn starts an exec'd command; it runs on the init's locked thread.
func (in *initProc) spawn(r spawnRequest, s *Spec) {
	env := append(append([]string(nil), s.Env...), r.msg.Env...)
	prog, serr := resolveCommand(&Spec{Args: r.msg.Args, Env: env})
	if serr != nil {
		r.reply <- spawnResult{err: serr}
		return
	}
	cwd := r.msg.Cwd
	if cwd == "" {
		cwd = s.Cwd
	}
	attr := &syscall.ProcAttr{Dir: cwd, Env: env, Files: r.files,
		Sys: &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}}
	terminal, closeSlave, serr := execTerminal(r.msg.Terminal, attr)
	if serr != nil {
		r.reply <- spawnResult{err: serr}
		return
	}
	defer closeSlave()
	exited := make(chan unix.WaitStatus, 1)
	in.mu.Lock()
	defer in.mu.Unlock()
	pid, err := syscall.ForkExec(prog, r.msg.Args, attr)
	if err != nil {
		if terminal != nil {
			terminal.Close()
		}
		e := stepErr("exec "+r.msg.Args[0], err)
		e.Exec = true
		r.reply <- spawnResult{err: e}
		return
	}
	in.waiters[pid] = exited
	r.reply <- spawnResult{pid: pid, exited: exited, terminal: terminal}
}

// execTerminal gives an exec'd command a terminal of the sandbox's own
// devpts when ws asks for one: its slave becomes the command's fds 0-2
// and controlling terminal, and its master is returned for the client.
// It runs on the locked thread, so the slave belongs to the sandbox's
// user; closeSlave closes this process's copy once the command runs.
func execTerminal(ws *Winsize, attr *syscall.ProcAttr) (master *os.File, closeSlave func(), err *StepError) {
	if ws == nil {
		return nil, func() {}, nil
	}
	m, slave, oerr := openPTY(ws)
	if oerr != nil {
		return nil, nil, &StepError{Step: "open a terminal for exec", Msg: oerr.Error()}
	}
	attr.Files = []uintptr{uintptr(slave), uintptr(slave), uintptr(slave)}
	attr.Sys.Setctty, attr.Sys.Ctty = true, 0
	return os.NewFile(uintptr(m), "pty master"), func() { unix.Close(slave) }, nil
}
