package main

import (
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/hclsandbox/sandbox/launcher/doctor"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
	"github.com/hclsandbox/sandbox/launcher/state"
	"github.com/spf13/cobra"
)

func newDoctorCmd(e *env) *cobra.Command {
	var asJSON, addUser bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Say what this host enforces for sandboxes",
		Long: `Check what this host gives a sandbox started by the current user: the cgroup
version and controllers, user namespaces for rootless runs and the ids of
root-started ones, seccomp, overlayfs, no_new_privs; and whether
$SANDBOX_HOME and $SANDBOX_RUN are safe for this user (root, normally): no
one else may be able to change them or a directory above them. Each line
says enforced or unsupported, and why. It changes nothing, unless asked to
with --add-sandbox-user. Exit 0 when everything is enforced, 1 otherwise.

Root-started sandboxes with a user namespace and no uid_map each get their
own 65536 host uids and gids, from the subordinate ranges of the system user
"sandbox" in /etc/subuid and /etc/subgid. --add-sandbox-user creates that
user and gives it ranges for 1024 such sandboxes at once, past every range
already given, with useradd and usermod.`,
		Example: `  sudo sandbox doctor
  sandbox doctor --json
  sudo sandbox doctor --add-sandbox-user`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if addUser {
				if err := e.addSandboxUser(); err != nil {
					return err
				}
			}
			checks := append(doctor.Run(), doctor.DirChecks(rootfs.Home(), e.stateDir().Root)...)
			return e.doctor(checks, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the checks as JSON")
	cmd.Flags().BoolVar(&addUser, "add-sandbox-user", false,
		"first create the system user \"sandbox\" and its subordinate id ranges, unless they exist (needs root; changes /etc)")
	return cmd
}

// addSandboxUser creates the sandbox user and its ranges, saying what it
// did on stderr, where it does not mix with --json.
func (e *env) addSandboxUser() error {
	if os.Geteuid() != 0 {
		return exitf(exitUsage, "--add-sandbox-user changes /etc/passwd, /etc/subuid and /etc/subgid: run it as root")
	}
	done, err := state.SubIDSource{}.AddUser(state.DefaultPoolSize)
	for _, line := range done {
		fmt.Fprintf(e.stderr, "sandbox: %s\n", line)
	}
	if err != nil {
		return exitf(exitSetup, "add the sandbox user: %v", err)
	}
	if len(done) == 0 {
		fmt.Fprintf(e.stderr, "sandbox: user %s and its ranges exist; nothing to do\n", state.SubIDUser)
	}
	return nil
}

func (e *env) doctor(checks []doctor.Check, asJSON bool) error {
	if asJSON {
		b, err := json.MarshalIndent(checks, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\n", b)
	} else {
		w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		for _, c := range checks {
			state := "enforced"
			if !c.OK {
				state = "unsupported"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\n", c.Name, state, c.Detail)
		}
		w.Flush()
	}
	for _, c := range checks {
		if !c.OK {
			return exitCode(1)
		}
	}
	return nil
}
