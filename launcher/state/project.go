package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hclsandbox/sandbox/config"
)

// ProjectsDir, under the state root, holds one directory per project,
// which holds its sandboxes' state directories: the same name in two
// projects is two sandboxes. Its name is no sandbox's (config.ValidName),
// so listing the root's sandboxes never takes it for one.
const ProjectsDir = ".projects"

// ReceiptsDir, in a project's directory (Home), holds the receipt of the
// last run of each of its names (launcher/receipt.Dir); down removes it.
const ReceiptsDir = ".receipts"

// Home is the directory that holds the state directories of d's
// sandboxes: its project's under ProjectsDir, or the root itself when d
// has no project.
func (d Dir) Home() string {
	if d.Project == "" {
		return d.Root
	}
	return filepath.Join(d.Root, ProjectsDir, d.Project)
}

// InProject is d scoped to project, whose name must be config.ValidProject
// (the one place where it becomes a path).
func (d Dir) InProject(project string) (Dir, error) {
	if project != "" && !config.ValidProject(project) {
		return Dir{}, fmt.Errorf("%q is not a project name: %s", project, config.ProjectRule)
	}
	d.Project = project
	return d, nil
}

// Projects lists the projects that have a directory in d's root, sorted.
// Entries whose name no project can have are left out.
func (d Dir) Projects() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(d.Root, ProjectsDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list projects in %s: %w", d.Root, err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && config.ValidProject(e.Name()) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// Scopes are d's root without a project, then each project of the root:
// everything a host-wide command (ps --all-projects, gc) goes through.
func (d Dir) Scopes() ([]Dir, error) {
	root := d
	root.Project = ""
	projects, err := d.Projects()
	out := []Dir{root}
	for _, p := range projects {
		scoped := root
		scoped.Project = p
		out = append(out, scoped)
	}
	return out, err
}

// removeHome removes d's project directory once it holds nothing.
func (d Dir) removeHome() {
	if d.Project != "" {
		// Each fails while it holds something: fine.
		os.Remove(d.Home())
		os.Remove(filepath.Dir(d.Home()))
	}
}

// where names d's scope in messages: its project, or its root.
func (d Dir) where() string {
	if d.Project == "" {
		return d.Root
	}
	return "project " + d.Project
}

// AllStatuses is Statuses of every project of d's root, each status
// naming its project ("-" for a sandbox of none).
func (d Dir) AllStatuses(now time.Time) ([]Status, error) {
	scopes, err := d.Scopes()
	if err != nil {
		return nil, err
	}
	out := []Status{}
	for _, s := range scopes {
		sts, err := s.Statuses(now)
		if err != nil {
			return nil, err
		}
		for i := range sts {
			sts[i].Project = s.Project
			if s.Project == "" {
				sts[i].Project = "-"
			}
		}
		out = append(out, sts...)
	}
	return out, nil
}

// Elsewhere lists the other projects of d's root that have a sandbox
// called name (any sandbox, for ""): what to suggest when d has none.
func (d Dir) Elsewhere(name string) []string {
	scopes, _ := d.Scopes()
	var out []string
	for _, s := range scopes {
		if s.Project == d.Project || s.Project == "" {
			continue
		}
		names, _ := s.Names()
		if name == "" && len(names) > 0 || name != "" && slices.Contains(names, name) {
			out = append(out, s.Project)
		}
	}
	return out
}

// elsewhereHint is what to add to a message that name is not in d's
// project when other projects have it.
func (d Dir) elsewhereHint(name string) string {
	others := d.Elsewhere(name)
	if len(others) == 0 || d.Project == "" {
		return ""
	}
	return fmt.Sprintf(" (project %s has one: --project %s)", strings.Join(others, ", "), others[0])
}
