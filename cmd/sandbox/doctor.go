package main

import (
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
one else may be able to change them or a directory above them; as root,
named networks and IPv4 forwarding. Each line says why, labelled enforced
(a protection every sandbox gets), available (a feature that works here),
off (a feature this host's setting turns off, such as
SANDBOX_IP_FORWARD=false) or unsupported. It changes nothing, unless asked
to with --add-sandbox-user. Exit 1 when anything is unsupported, else 0.

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
				if err := state.AddSubIDUser(e.stderr); err != nil {
					return err
				}
			}
			checks := append(doctor.Run(), doctor.DirChecks(rootfs.Home(), e.stateDir().Root)...)
			return doctor.Write(e.stdout, checks, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the checks as JSON")
	cmd.Flags().BoolVar(&addUser, "add-sandbox-user", false,
		"first create the system user \"sandbox\" and its subordinate id ranges, unless they exist (needs root; changes /etc)")
	return cmd
}
