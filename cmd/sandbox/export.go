package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/image"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
	"github.com/spf13/cobra"
)

func newExportCmd(e *env) *cobra.Command {
	export := &cobra.Command{
		Use:   "export",
		Short: "Write a sandbox in a format other engines run",
		Long: `Write a sandbox in a format that other engines run, made from the same plan
that run and up use. Everything the format cannot express is printed as a
warning on standard error.`,
		Example: `  sandbox export oci examples/busybox.hcl busybox --out /tmp/busybox-bundle`,
	}
	export.AddCommand(newExportOCICmd(e))
	return export
}

func newExportOCICmd(e *env) *cobra.Command {
	var out string
	cmd := e.addVarFlags(&cobra.Command{
		Use:   "oci [FILE|DIR]... NAME --out DIR",
		Short: "Write one sandbox as an OCI runtime bundle",
		Long: `Write one sandbox as an OCI runtime bundle in DIR: config.json, made from the
sandbox's plan (namespaces, mounts, cgroup limits, rlimits, capabilities,
seccomp rules, masked and read-only paths, hostname, user, environment,
working directory and command), and its root filesystem. A rootfs directory
is referenced by its absolute path; a tarball is unpacked into DIR/rootfs;
the host view becomes an empty DIR/rootfs with read-only binds of the host's
system directories. Run the bundle with runc run or crun run.

Parts of the plan that OCI cannot express (the timeout, the init, an
ephemeral overlay root, ...) are printed as warnings, never dropped silently.

Exit codes: 0 success, 1 invalid configuration or unknown name, 2 invalid
command line, 125 the bundle could not be written.`,
		Example: `  sandbox export oci examples/busybox.hcl busybox --out /tmp/bb
  sudo runc run --bundle /tmp/bb bb1`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return exitf(exitUsage, "export oci needs --out DIR")
			}
			return e.exportOCI(args, out)
		},
	})
	cmd.Flags().StringVar(&out, "out", "", "the bundle directory to write (created; must be empty if it exists)")
	return cmd
}

func (e *env) exportOCI(args []string, out string) error {
	paths, names := splitArgs(args)
	if len(names) != 1 {
		return exitf(exitUsage, "export oci takes one sandbox NAME, got %d", len(names))
	}
	_, s, err := e.loadOne(paths, names[0], "export")
	if err != nil {
		return err
	}
	if err := makeBundleDir(out); err != nil {
		return exitf(exitSetup, "%s: %v", s.Name, err)
	}
	rootPath, img, err := e.bundleRoot(s, out)
	if err != nil {
		return err
	}
	host := e.probeHost()
	plan := launcher.NewImagePlan(s, host, img).WithRootfs(rootPath)
	if plan.Spec.User, err = numericUser(plan.Spec.User, rootPath); err != nil {
		return exitf(exitSetup, "%s: %v", s.Name, err)
	}
	b, err := launcher.OCIConfig(plan, s, host, rootPath, pathExists)
	if err != nil {
		return exitf(exitSetup, "%s: %v", s.Name, err)
	}
	if err := writeBundle(b, out, rootPath); err != nil {
		return exitf(exitSetup, "%s: %v", s.Name, err)
	}
	for _, w := range b.Warnings {
		fmt.Fprintf(e.stderr, "sandbox: warning: %s: %s\n", s.Name, w)
	}
	fmt.Fprintf(e.stdout, "%s: OCI bundle in %s\n", s.Name, out)
	return nil
}

// makeBundleDir creates dir, or accepts it when it exists and is empty.
func makeBundleDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("bundle directory %s is not empty", dir)
	}
	return nil
}

// bundleRoot is the root.path of the bundle: a rootfs directory as it is,
// an unpacked tarball copied into DIR/rootfs, an image's layers flattened
// into DIR/rootfs, or an empty DIR/rootfs for the host view.
func (e *env) bundleRoot(s *config.Sandbox, out string) (string, *image.Image, error) {
	own := filepath.Join(out, "rootfs")
	if s.Rootfs == "" && s.Image == nil {
		return own, nil, os.Mkdir(own, 0o755)
	}
	if info, err := os.Stat(s.Rootfs); s.Image == nil && err == nil && info.IsDir() {
		return s.Rootfs, nil, nil
	}
	roots, err := e.prepareRoots([]*config.Sandbox{s}, false)
	if err != nil {
		return "", nil, err
	}
	if img := roots[s].Image; img != nil {
		if err := flattenInto(img, own); err != nil {
			return "", nil, exitf(exitSetup, "%s: flatten image: %v", s.Name, err)
		}
		return own, img, nil
	}
	if b, err := exec.Command("cp", "-a", roots[s].Dir, own).CombinedOutput(); err != nil {
		return "", nil, exitf(exitSetup, "%s: copy rootfs: %v: %s", s.Name, err, strings.TrimSpace(string(b)))
	}
	return own, nil, nil
}

// flattenInto unpacks the tree an image's layers show into dir, with the
// tarball unpacker and its rules.
func flattenInto(img *image.Image, dir string) error {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	r, w := io.Pipe()
	go func() { w.CloseWithError(image.Flatten(img.Layers, img.UserXattr, w)) }()
	_, err := rootfs.Unpack(r, dir)
	r.CloseWithError(io.ErrClosedPipe)
	return err
}

// writeBundle writes config.json and the symlinks of the host view.
func writeBundle(b *launcher.OCIBundle, out, rootPath string) error {
	for link, target := range b.Symlinks {
		if err := os.Symlink(target, filepath.Join(rootPath, link)); err != nil {
			return fmt.Errorf("create link %s: %w", link, err)
		}
	}
	data, err := json.MarshalIndent(b.Spec, "", "  ")
	if err != nil {
		return fmt.Errorf("encode config.json: %w", err)
	}
	return os.WriteFile(filepath.Join(out, "config.json"), append(data, '\n'), 0o644)
}

func pathExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// numericUser resolves the names of a "USER[:GROUP]" in the root's
// /etc/passwd and /etc/group, since OCI takes only numeric ids.
func numericUser(user, root string) (string, error) {
	if user == "" {
		return "", nil
	}
	u, g, hasGroup := strings.Cut(user, ":")
	uid, gid, err := lookupID(filepath.Join(root, "etc", "passwd"), u, true)
	if err != nil {
		return "", err
	}
	if hasGroup {
		if gid, _, err = lookupID(filepath.Join(root, "etc", "group"), g, false); err != nil {
			return "", err
		}
	}
	return uid + ":" + gid, nil
}

// lookupID finds name (or a number) in a passwd or group file and returns
// its id and, for passwd, its primary group.
func lookupID(file, name string, passwd bool) (string, string, error) {
	if _, err := strconv.ParseUint(name, 10, 32); err == nil && !passwd {
		return name, "", nil
	}
	f, err := os.Open(file)
	if err != nil {
		if _, perr := strconv.ParseUint(name, 10, 32); perr == nil {
			return name, name, nil
		}
		return "", "", fmt.Errorf("user %s: %w", name, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) < 3 || fields[0] != name && fields[2] != name {
			continue
		}
		if passwd && len(fields) >= 4 {
			return fields[2], fields[3], nil
		}
		return fields[2], "", nil
	}
	if _, err := strconv.ParseUint(name, 10, 32); err == nil {
		return name, name, nil
	}
	return "", "", fmt.Errorf("user or group %s: not in %s", name, file)
}
