package runner

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/image"
	"github.com/hclsandbox/sandbox/launcher/oci"
)

// ExportOCI writes the sandbox name of the files at paths as an OCI
// runtime bundle in out (`sandbox export oci`), with a warning on stderr
// for each part of the plan that OCI cannot express.
func (r *Runner) ExportOCI(paths []string, name, out string, load config.Options) error {
	_, s, err := r.LoadOne(paths, name, "export", load)
	if err != nil {
		return err
	}
	bd, err := oci.OpenDir(out)
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "%s: %v", s.Name, err)
	}
	defer bd.Close()
	rootPath, root, img, err := r.bundleRoot(s, bd)
	if err != nil {
		return err
	}
	if root != nil {
		defer root.Close()
	}
	host := r.ProbeHost()
	plan := launcher.NewImagePlan(s, host, img).WithRootfs(rootPath)
	if plan.Spec.User, err = oci.NumericUser(plan.Spec.User, rootPath); err != nil {
		return exitcode.Errorf(exitcode.Setup, "%s: %v", s.Name, err)
	}
	b, err := oci.Config(plan, s, host, rootPath, oci.PathExists)
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "%s: %v", s.Name, err)
	}
	if err := oci.Write(b, bd, root); err != nil {
		return exitcode.Errorf(exitcode.Setup, "%s: %v", s.Name, err)
	}
	for _, w := range b.Warnings {
		fmt.Fprintf(r.Stderr, "sandbox: warning: %s: %s\n", s.Name, w)
	}
	fmt.Fprintf(r.Stdout, "%s: OCI bundle in %s\n", s.Name, out)
	return nil
}

// bundleRoot is the root.path of the bundle, with the bundle's own root
// directory open when it has one, and the image of an image sandbox: a
// rootfs directory is referenced as it is; an unpacked tarball is copied
// into DIR/rootfs, and an image's layers flattened into it, both without
// device nodes or setuid bits; the host view gets an empty DIR/rootfs.
func (r *Runner) bundleRoot(s *config.Sandbox, bd *oci.Dir) (string, *oci.Dir, *image.Image, error) {
	own := filepath.Join(bd.Path(), "rootfs")
	if s.Rootfs == "" && s.Image == nil {
		root, err := bd.Mkdir("rootfs", 0o755)
		return own, root, nil, setupErr(s, err)
	}
	if info, err := os.Stat(s.Rootfs); s.Image == nil && err == nil && info.IsDir() {
		return s.Rootfs, nil, nil, nil
	}
	roots, err := r.PrepareRoots([]*config.Sandbox{s}, false)
	if err != nil {
		return "", nil, nil, err
	}
	root, err := bd.Mkdir("rootfs", 0o700)
	if err != nil {
		return "", nil, nil, setupErr(s, err)
	}
	img := roots[s].Image
	st, err := oci.FillRoot(root, roots[s].Dir, img)
	if err != nil {
		root.Close()
		return "", nil, nil, exitcode.Errorf(exitcode.Setup, "%s: copy rootfs: %v", s.Name, err)
	}
	if st.Devices+st.Setuid > 0 {
		fmt.Fprintf(r.Stderr, "sandbox: warning: %s: the bundle's rootfs leaves out %d device node%s or socket%s and clears the setuid and setgid bits of %d file%s\n",
			s.Name, st.Devices, plural(st.Devices), plural(st.Devices), st.Setuid, plural(st.Setuid))
	}
	return own, root, img, nil
}

// setupErr is err as a setup failure of s, or nil.
func setupErr(s *config.Sandbox, err error) error {
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "%s: %v", s.Name, err)
	}
	return nil
}
