package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
	"github.com/spf13/cobra"
)

func newDoctorCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Say what this host enforces for sandboxes",
		Long: `Check what this host gives a sandbox started by the current user: the cgroup
version and controllers, user namespaces for rootless runs, seccomp,
overlayfs, no_new_privs; and whether $SANDBOX_HOME and $SANDBOX_RUN are safe
for this user (root, normally): no one else may be able to change them or
a directory above them. Each line says enforced or unsupported, and why.
It changes nothing. Exit 0 when everything is enforced, 1 otherwise.`,
		Example: `  sudo sandbox doctor
  sandbox doctor --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			checks := append(launcher.Doctor(), launcher.DirChecks(rootfs.Home(), e.stateDir().Root)...)
			return e.doctor(checks, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the checks as JSON")
	return cmd
}

func (e *env) doctor(checks []launcher.Check, asJSON bool) error {
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
