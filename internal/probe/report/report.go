// Package report is the JSON report of the test probe (internal/probe),
// shared by the probe, which writes it, and the tests, which read it.
package report

// Report is what the probe sees from inside a sandbox.
type Report struct {
	Hostname   string            `json:"hostname"`
	Pid        int               `json:"pid"`
	Pids       []int             `json:"pids"`
	Cwd        string            `json:"cwd"`
	CwdAfterUp string            `json:"cwd_after_up"`
	CanarySeen bool              `json:"canary_seen"`
	Env        []string          `json:"env"`
	Namespaces map[string]uint64 `json:"namespaces"`
	Dev        []string          `json:"dev"`
	Mounts     []string          `json:"mounts"`
	RootWrite  string            `json:"root_write"`
	Status     map[string]string `json:"status"`
	OpenWrite  map[string]string `json:"open_write"`
	Masked     map[string]int    `json:"masked"`
	Exists     map[string]bool   `json:"exists"`
	Interfaces []string          `json:"interfaces"`
}
