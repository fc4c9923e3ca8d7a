package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/network"

	"github.com/hclsandbox/sandbox/config"
)

// DefaultStateDir is where records are kept unless SANDBOX_RUN says otherwise.
const DefaultStateDir = "/run/sandbox"

// Files of a sandbox's state directory, $SANDBOX_RUN/<name>/.
const (
	recordFile = "state.json"
	// recordTmpFile is where the next version of a record is written.
	recordTmpFile = "state.json.tmp"
	lockFile      = "lock"
	// ExecSocket is the socket on which the sandbox's init takes exec requests.
	ExecSocket = "exec.sock"
	// ExecSocketNext is the exec socket of the next run's init, started
	// ahead of its run (Spare.Child); the run renames it to ExecSocket.
	ExecSocketNext = "exec.next.sock"
	// LogFile is a detached sandbox's output; LogFile+".1" is the previous one.
	LogFile = "output.log"
)

// ErrRunning is returned when a name is claimed while its sandbox runs.
var ErrRunning = errors.New("already running")

// ErrInvalidName is returned for a name that no sandbox can have
// (config.ValidName). Such a name never becomes a path: "../d" or "/etc"
// would lead out of the state directory.
var ErrInvalidName = errors.New("not a sandbox name")

// Record is what the state directory holds about one running sandbox. It
// is written before the sandbox's cgroup is made and removed last.
type Record struct {
	Name string `json:"name"`
	// Pid is the host pid of the sandbox's first process and PidStart its
	// start time in clock ticks after boot: a pid whose start time differs
	// is another process and is never signalled.
	Pid      int    `json:"pid,omitempty"`
	PidStart uint64 `json:"pid_start,omitempty"`
	// Running is set once setup is over and the target runs.
	Running bool `json:"running,omitempty"`
	// Cgroup is the sandbox's cgroup, set before it is made.
	Cgroup     *cgroups.CgroupRef `json:"cgroup,omitempty"`
	CgroupDirs []string           `json:"cgroup_dirs,omitempty"`
	// SpareCgroup is a cgroup made for the name's next run while this one
	// runs (Claim.MakeSpare), set before it is made.
	SpareCgroup *cgroups.CgroupRef `json:"spare_cgroup,omitempty"`
	// IDs are the host ids allocated to the sandbox's user namespace
	// (Plan.AutoIDs); they are free again once the record is gone.
	IDs *IDRanges `json:"ids,omitempty"`
	// Writable are the host paths the sandbox can write (Plan.WritablePaths).
	Writable []string `json:"writable,omitempty"`
	// Mounts are host mount points made for the sandbox, removed by gc.
	Mounts []string `json:"mounts,omitempty"`
	// Net is the sandbox's network wiring, recorded before it is made.
	Net        *network.Record `json:"net,omitempty"`
	PlanDigest string          `json:"plan_digest"`
	ConfigFile string          `json:"config_file"`
	Started    time.Time       `json:"started"`
	// Supervisor is the pid of the launcher that runs the sandbox, with
	// its start time; it holds the name's lock while it lives.
	Supervisor      int    `json:"supervisor"`
	SupervisorStart uint64 `json:"supervisor_start"`
	// Detached is set for sandboxes started by up -d, whose output is in LogFile.
	Detached bool `json:"detached,omitempty"`
	// Init is set when PID 1 is the init, which also serves exec requests.
	Init bool `json:"init,omitempty"`
	// StopSignal and StopTimeout are how `sandbox stop` ends the sandbox.
	StopSignal  string        `json:"stop_signal"`
	StopTimeout time.Duration `json:"stop_timeout_ns"`
	// Health is the state of its health check: "starting", "healthy" or
	// "unhealthy"; "" without one.
	Health string `json:"health,omitempty"`
}

// Dir is the directory that holds every sandbox's record: the state
// root, $SANDBOX_RUN.
type Dir struct {
	Root string
	// Project scopes the sandboxes' names: its sandboxes' state is under
	// Home. "" is the root itself.
	Project string
	// SubIDs are the ranges that user-namespace ids are allocated from;
	// the zero value is the system's.
	SubIDs SubIDSource
}

// Dir is the state directory of the sandbox name, inside Root. A name no
// sandbox can have is refused with ErrInvalidName, whoever asks: this is
// the one place where a name becomes a path.
func (d Dir) Dir(name string) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	return filepath.Join(d.Home(), config.PathName(name)), nil
}

// CheckName returns an error that wraps ErrInvalidName and says what a
// name may be, unless name is one a sandbox can have.
func CheckName(name string) error {
	if !config.ValidName(name) {
		return fmt.Errorf("%q is %w: %s", name, ErrInvalidName, config.NameRule)
	}
	return nil
}

// Read returns the record of name. A state directory that someone else
// could have written is refused.
func (d Dir) Read(name string) (*Record, error) {
	dir, err := d.Dir(name)
	if err != nil {
		return nil, err
	}
	if err := d.check(false); err != nil {
		return nil, err
	}
	return readRecord(dir, name)
}

// readRecord reads the record in dir, the state directory of name. A
// record that names another sandbox than its directory does is refused:
// the directory's name was checked, the name inside was not, and only
// the first may become a path or be shown as a sandbox's.
func readRecord(dir, name string) (*Record, error) {
	path := filepath.Join(dir, recordFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read state %s: %w", path, err)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read state %s: %w", path, err)
	}
	if r.Name != name {
		return nil, fmt.Errorf("read state %s: the record names %q, not %q: not trusted", path, r.Name, name)
	}
	return &r, nil
}

// Names lists the names that have a state directory, sorted. Entries
// whose name no sandbox can have, such as the network state's network.RootDir,
// are not sandboxes' and are left out. A state directory that someone
// else could have written is refused.
func (d Dir) Names() ([]string, error) {
	if err := d.check(false); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(d.Home())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list state dir %s: %w", d.Home(), err)
	}
	var names []string
	for _, e := range entries {
		if name, ok := d.entryName(e); ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// write stores r in dir atomically: it writes the record into its
// temporary file and puts that in place of the record (replaceFile). The
// temporary file then holds the previous version and is written over by
// the next update rather than made anew: on ext4 every new inode costs a
// search of the inode bitmaps, and a batch makes thousands.
func (r *Record) write(dir string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state of %s: %w", r.Name, err)
	}
	tmp := filepath.Join(dir, recordTmpFile)
	if err := writeOver(tmp, append(b, '\n')); err != nil {
		return fmt.Errorf("write state %s: %w", tmp, err)
	}
	if err := replaceFile(tmp, filepath.Join(dir, recordFile)); err != nil {
		return fmt.Errorf("write state %s: %w", dir, err)
	}
	return nil
}

// writeOver writes b as the whole content of path, creating it if needed.
// It does not truncate an existing file to zero first, which on ext4
// makes its close wait for the new data to reach the disk
// (auto_da_alloc): it writes from the start, then cuts what is left.
func writeOver(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteAt(b, 0)
	if err == nil {
		err = f.Truncate(int64(len(b)))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
