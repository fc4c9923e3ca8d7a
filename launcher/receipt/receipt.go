package receipt

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hclsandbox/sandbox/launcher/state"
)

// In-toto's Statement type and the predicate type of a receipt.
const (
	StatementType = "https://in-toto.io/Statement/v1"
	PredicateType = "https://github.com/hclsandbox/sandbox/receipt/v1"
)

// Dir is the directory of a project's state directory (state.Dir.Home)
// that keeps the receipt of each sandbox's last run, as NAME.json. Its
// name is no sandbox's, so that ps, stop and gc, which take every other
// directory there for a sandbox's, leave it alone; down removes it.
const Dir = state.ReceiptsDir

// Statement is an in-toto Statement whose predicate is a Receipt.
type Statement struct {
	Type          string    `json:"_type"`
	Subject       []Subject `json:"subject"`
	PredicateType string    `json:"predicateType"`
	Predicate     Receipt   `json:"predicate"`
}

// Subject is an in-toto resource descriptor: a name and its digests.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Receipt is what one sandbox's run was made of and how it went.
type Receipt struct {
	Sandbox string `json:"sandbox"`
	// Command is the command that ran it: up, run or test; Args replace
	// its command (run -- ARGS).
	Command string   `json:"command"`
	Args    []string `json:"args,omitempty"`
	// Config are the loaded configuration files and their digests.
	Config []File `json:"config"`
	// Variables are every variable's final value.
	Variables []Variable `json:"variables"`
	// PlanDigest is the sha256 of the plan `sandbox plan --json` prints
	// for the sandbox on this host.
	PlanDigest string `json:"plan_digest"`
	Root       Root   `json:"root"`
	Host       Host   `json:"host"`
	// Limits are the cgroup writes of the plan, each read back from the
	// cgroup after setup.
	Limits []Limit `json:"limits"`
	// Usage and Exit are how the run went; nil for a receipt of a plan
	// that did not run (verify's).
	Usage *Usage `json:"usage,omitempty"`
	Exit  *Exit  `json:"exit,omitempty"`
	// Started and Finished are the run's times.
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Checks are sandbox test's verdicts, when it ran the sandbox.
	Checks []Check `json:"checks,omitempty"`
}

// File is a configuration file and the hex sha256 of its content.
type File struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Variable is a variable's value as JSON text, or Redacted.
type Variable struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Sensitive values are recorded as Redacted.
	Sensitive bool `json:"sensitive,omitempty"`
}

// Redacted stands for a sensitive variable's value.
const Redacted = "(sensitive)"

// Root is the root filesystem: "host" (the host view), "rootfs" (a
// directory or tarball, with its tree or file digest) or "image" (its
// manifest digest and configuration id).
type Root struct {
	Kind   string `json:"kind"`
	Source string `json:"source,omitempty"`
	Digest string `json:"digest,omitempty"`
	ID     string `json:"id,omitempty"`
}

// Host is what the run depended on of the machine.
type Host struct {
	Kernel string `json:"kernel"`
	Arch   string `json:"arch"`
	// CgroupDriver is "v1", "v2" or "none".
	CgroupDriver string `json:"cgroup_driver"`
}

// Limit is one cgroup write: the configuration attribute it comes from,
// the file, the value requested, and the value read back after setup
// ("" in a plan that did not run, or when the file could not be read).
type Limit struct {
	Limit     string `json:"limit"`
	File      string `json:"file"`
	Requested string `json:"requested"`
	ReadBack  string `json:"read_back,omitempty"`
}

// Usage is what the sandbox consumed, from its cgroup.
type Usage struct {
	PeakMemory uint64  `json:"peak_memory_bytes"`
	CPU        float64 `json:"cpu_s"`
	OOMKills   uint64  `json:"oom_kills"`
}

// Exit is how the sandbox ended.
type Exit struct {
	Result   string  `json:"result"`
	Code     int     `json:"exit_code"`
	Duration float64 `json:"duration_s"`
}

// Check is one of sandbox test's verdicts.
type Check struct {
	Check    string `json:"check"`
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
	Pass     bool   `json:"pass"`
}

// Statement wraps r in an in-toto Statement about the sandbox.
func (r *Receipt) Statement() *Statement {
	return &Statement{
		Type:          StatementType,
		Subject:       []Subject{{Name: r.Sandbox, Digest: map[string]string{"sha256": strings.TrimPrefix(r.PlanDigest, "sha256:")}}},
		PredicateType: PredicateType,
		Predicate:     *r,
	}
}

// Write stores r's statement as dir/name, made only for the caller.
func (r *Receipt) Write(path string) error {
	b, err := json.MarshalIndent(r.Statement(), "", "  ")
	if err != nil {
		return fmt.Errorf("encode receipt of %s: %w", r.Sandbox, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write receipt: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write receipt: %w", err)
	}
	if err := state.Install(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write receipt: %w", err)
	}
	return nil
}

// Read reads a receipt written by Write.
func Read(path string) (*Receipt, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read receipt: %w", err)
	}
	var s Statement
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("read receipt %s: %w", path, err)
	}
	if s.Type != StatementType || s.PredicateType != PredicateType {
		return nil, fmt.Errorf("read receipt %s: not a sandbox receipt (type %q, predicate type %q)", path, s.Type, s.PredicateType)
	}
	if s.Predicate.Sandbox == "" {
		return nil, fmt.Errorf("read receipt %s: it names no sandbox", path)
	}
	return &s.Predicate, nil
}
