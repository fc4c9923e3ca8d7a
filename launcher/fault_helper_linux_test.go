package launcher

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// superviseEnv, when set, makes the test binary a supervisor: it runs the
// sandboxes described by the JSON value (a superviseJob) until they end or
// it is killed, printing "started NAME PID" as each one runs.
const superviseEnv = "SANDBOX_TEST_SUPERVISE"

// superviseJob is what a supervisor helper runs.
type superviseJob struct {
	StateDir string   `json:"state_dir"`
	Rootfs   string   `json:"rootfs"`
	Names    []string `json:"names"`
	Command  []string `json:"command"`
	// Mark is put in every sandbox process's environment, to find them.
	Mark string `json:"mark"`
	// Network, when set, puts every sandbox on it.
	Network *config.Network `json:"network,omitempty"`
	// UserNS gives every sandbox a user namespace, whose ids come from SubIDs.
	UserNS bool              `json:"userns,omitempty"`
	SubIDs state.SubIDSource `json:"subids,omitempty"`
}

func init() {
	if v := os.Getenv(superviseEnv); v != "" {
		os.Exit(superviseMain(v))
	}
}

func superviseMain(v string) int {
	var job superviseJob
	if err := json.Unmarshal([]byte(v), &job); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var out sync.Mutex
	var wg sync.WaitGroup
	for _, name := range job.Names {
		wg.Go(func() {
			s := &config.Sandbox{Name: name, Command: job.Command, Rootfs: job.Rootfs,
				Env: map[string]string{"SANDBOX_TEST_MARK": job.Mark}, Namespaces: append([]string(nil), config.Namespaces...)}
			if job.Network != nil {
				s.Network, s.Net = job.Network.Name, job.Network
			}
			if job.UserNS {
				s = withUserNamespace(s)
			}
			plan := NewPlan(s, probeTestHost())
			claim, err := Claim(context.Background(), state.Dir{Root: job.StateDir, SubIDs: job.SubIDs}, plan, false)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return
			}
			defer claim.Release()
			proc, res, err := startUnder(plan, Stdio{}, claim)
			if err != nil || res != nil {
				fmt.Fprintln(os.Stderr, name, err, res)
				return
			}
			out.Lock()
			fmt.Printf("started %s %d\n", name, proc.Pid())
			out.Unlock()
			proc.Wait()
		})
	}
	wg.Wait()
	return 0
}
