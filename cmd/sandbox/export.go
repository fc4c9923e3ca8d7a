package main

import (
	"archive/tar"
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/image"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
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
	export.AddCommand(newExportLineCmds(e)...)
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
is referenced by its absolute path; a tarball is unpacked into DIR/rootfs,
without its device nodes and with no setuid or setgid bit; the host view
becomes an empty DIR/rootfs with read-only binds of the host's system
directories. DIR is made, or must be an empty directory of your own. Run
the bundle with runc run or crun run.

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
	cmd.Flags().StringVar(&out, "out", "", "the bundle directory to write (created; if it exists, it must be yours and empty)")
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
	bd, err := openBundleDir(out)
	if err != nil {
		return exitf(exitSetup, "%s: %v", s.Name, err)
	}
	defer bd.Close()
	rootPath, root, img, err := e.bundleRoot(s, bd)
	if err != nil {
		return err
	}
	if root != nil {
		defer root.Close()
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
	if err := writeBundle(b, bd, root); err != nil {
		return exitf(exitSetup, "%s: %v", s.Name, err)
	}
	for _, w := range b.Warnings {
		fmt.Fprintf(e.stderr, "sandbox: warning: %s: %s\n", s.Name, w)
	}
	fmt.Fprintf(e.stdout, "%s: OCI bundle in %s\n", s.Name, out)
	return nil
}

// bundleRoot is the root.path of the bundle, with the bundle's own root
// directory open when it has one, and the image of an image sandbox: a
// rootfs directory is referenced as it is; an unpacked tarball is copied
// into DIR/rootfs, and an image's layers flattened into it, both without
// device nodes or setuid bits; the host view gets an empty DIR/rootfs.
func (e *env) bundleRoot(s *config.Sandbox, bd *bundleDir) (string, *bundleDir, *image.Image, error) {
	own := filepath.Join(bd.path, "rootfs")
	if s.Rootfs == "" && s.Image == nil {
		root, err := bd.mkdir("rootfs", 0o755)
		return own, root, nil, exitIfErr(s, err)
	}
	if info, err := os.Stat(s.Rootfs); s.Image == nil && err == nil && info.IsDir() {
		return s.Rootfs, nil, nil, nil
	}
	roots, err := e.prepareRoots([]*config.Sandbox{s}, false)
	if err != nil {
		return "", nil, nil, err
	}
	root, err := bd.mkdir("rootfs", 0o700)
	if err != nil {
		return "", nil, nil, exitIfErr(s, err)
	}
	var st copyStats
	img := roots[s].Image
	if img != nil {
		err = flattenInto(img, own, &st)
	} else {
		err = copyTree(roots[s].Dir, root, &st)
	}
	if err != nil {
		root.Close()
		return "", nil, nil, exitf(exitSetup, "%s: copy rootfs: %v", s.Name, err)
	}
	if st.Devices+st.Setuid > 0 {
		fmt.Fprintf(e.stderr, "sandbox: warning: %s: the bundle's rootfs leaves out %d device node%s or socket%s and clears the setuid and setgid bits of %d file%s\n",
			s.Name, st.Devices, plural(st.Devices, "s"), plural(st.Devices, "s"), st.Setuid, plural(st.Setuid, "s"))
	}
	return own, root, img, nil
}

// flattenInto unpacks the tree an image's layers show into dir, the
// bundle's empty root, with the tarball unpacker and its rules, leaving
// out device nodes and clearing setuid and setgid bits as copyTree does.
func flattenInto(img *image.Image, dir string, st *copyStats) error {
	flat, w := io.Pipe()
	go func() { w.CloseWithError(image.Flatten(img.Layers, img.UserXattr, w)) }()
	safe, sw := io.Pipe()
	go func() { sw.CloseWithError(clearSetuid(flat, sw, st)) }()
	count, err := rootfs.Unpack(safe, dir, config.DevicesSkip)
	safe.CloseWithError(io.ErrClosedPipe)
	flat.CloseWithError(io.ErrClosedPipe)
	st.Devices += count.Skipped
	return err
}

// clearSetuid copies a tar stream, clearing the setuid and setgid bits of
// every entry and counting the entries it cleared.
func clearSetuid(r io.Reader, w io.Writer, st *copyStats) error {
	tr, tw := tar.NewReader(r), tar.NewWriter(w)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return tw.Close()
		}
		if err != nil {
			return err
		}
		if hdr.Mode&0o6000 != 0 && hdr.Typeflag != tar.TypeDir {
			hdr.Mode &^= 0o6000
			st.Setuid++
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := io.Copy(tw, tr); err != nil {
			return err
		}
	}
}

// exitIfErr is err as a setup failure of s, or nil.
func exitIfErr(s *config.Sandbox, err error) error {
	if err != nil {
		return exitf(exitSetup, "%s: %v", s.Name, err)
	}
	return nil
}

// writeBundle writes config.json, and the symlinks of the host view into
// the bundle's own root.
func writeBundle(b *launcher.OCIBundle, bd, root *bundleDir) error {
	for link, target := range b.Symlinks {
		if root == nil {
			return fmt.Errorf("create link %s: the bundle has no root of its own", link)
		}
		if err := unix.Symlinkat(target, root.fd, strings.TrimPrefix(link, "/")); err != nil {
			return fmt.Errorf("create link %s: %w", link, err)
		}
	}
	data, err := json.MarshalIndent(b.Spec, "", "  ")
	if err != nil {
		return fmt.Errorf("encode config.json: %w", err)
	}
	return bd.writeFile("config.json", append(data, '\n'), 0o644)
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
