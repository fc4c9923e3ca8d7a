package runner

import (
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// ProjectEnv names the project when --project does not.
const ProjectEnv = "SANDBOX_PROJECT"

// CheckProject fails with a usage error unless name, given on the
// command line or in from, is "" or a project name.
func CheckProject(name, from string) error {
	if name != "" && !config.ValidProject(name) {
		return exitcode.Errorf(exitcode.Usage, "%s: %q is not a project name: %s", from, name, config.ProjectRule)
	}
	return nil
}

// project is the project of the configuration at paths whose project
// attribute is declared (""): the runner's Project (--project or
// $SANDBOX_PROJECT) first, then declared, then the name of the
// configuration's directory: the first path's, a file's own directory,
// or the working directory.
func (r *Runner) project(paths []string, declared string) (string, error) {
	if r.Project != "" {
		return r.Project, nil
	}
	if declared != "" {
		return declared, nil
	}
	dir := "."
	if len(paths) > 0 {
		dir = paths[0]
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			dir = filepath.Dir(dir)
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", exitcode.Errorf(exitcode.Setup, "project of %s: %v", dir, err)
	}
	name := config.ProjectFromDir(abs)
	if name == "" {
		return "", exitcode.Errorf(exitcode.Usage, "the directory %s gives no project name; set project = \"NAME\" "+
			"in the configuration, --project NAME or %s", abs, ProjectEnv)
	}
	return name, nil
}

// useProject scopes the runner's state to the project of cfg, loaded
// from paths, and tells ProjectChosen.
func (r *Runner) useProject(paths []string, cfg *config.Config) error {
	name, err := r.project(paths, cfg.Project)
	if err != nil {
		return err
	}
	return r.scope(name)
}

func (r *Runner) scope(name string) error {
	d, err := r.State.InProject(name)
	if err != nil {
		return exitcode.Errorf(exitcode.Usage, "%v", err)
	}
	r.State = d
	if r.ProjectChosen != nil {
		r.ProjectChosen(name)
	}
	return nil
}

// ProjectState is the runner's state scoped to the project of the
// configuration at paths (./*.hcl when there are none), for a command
// that acts on the project's sandboxes without loading the rest of it:
// ps, stop, logs, exec, down. Only the files' project attribute is read.
func (r *Runner) ProjectState(paths []string) (state.Dir, error) {
	if r.State.Project != "" {
		return r.State, nil
	}
	declared := ""
	if r.Project == "" {
		files := paths
		if len(files) == 0 {
			files = DefaultPaths()
		}
		name, diags := config.ReadProject(files)
		if diags.HasErrors() {
			r.PrintDiags(diags, nil)
			return state.Dir{}, exitcode.Code(exitcode.InvalidConfig)
		}
		declared = name
	}
	name, err := r.project(paths, declared)
	if err != nil {
		return state.Dir{}, err
	}
	if err := r.scope(name); err != nil {
		return state.Dir{}, err
	}
	return r.State, nil
}
