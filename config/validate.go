package config

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// invalid builds an error diagnostic pointing at an attribute's value.
func invalid(a *hcl.Attribute, summary, format string, args ...any) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  a.Expr.Range().Ptr(),
	}}
}

func checkCommand(argv []string, a *hcl.Attribute) hcl.Diagnostics {
	if argv == nil {
		return nil // a type error was already reported
	}
	if len(argv) == 0 || argv[0] == "" {
		return invalid(a, "Empty command", "The command needs at least a program name, as in [\"/bin/sh\", \"-c\", \"echo hi\"].")
	}
	for _, s := range argv {
		if strings.ContainsRune(s, 0) {
			return invalid(a, "Invalid command", "An argument of the command contains a NUL byte.")
		}
	}
	return nil
}

func checkEnv(env map[string]string, a *hcl.Attribute) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for k, v := range env {
		if !envName.match(k) {
			diags = append(diags, invalid(a, "Invalid environment variable name",
				"%q is not a valid environment variable name: use letters, digits and '_', not starting with a digit.", k)...)
		}
		if strings.ContainsRune(v, 0) {
			diags = append(diags, invalid(a, "Invalid environment value", "The value of %s contains a NUL byte.", k)...)
		}
	}
	return diags
}

func checkWorkdir(dir string, a *hcl.Attribute) hcl.Diagnostics {
	switch {
	case dir == "":
		return nil
	case !path.IsAbs(dir):
		return invalid(a, "Relative working directory",
			"The workdir %q must be an absolute path inside the sandbox, such as \"/app\".", dir)
	case slices.Contains(strings.Split(dir, "/"), ".."):
		return invalid(a, "Invalid working directory",
			"The workdir %q goes up with \"..\", which the sandbox does not follow; write %q.", dir, path.Clean(dir))
	}
	return nil
}

func checkHostname(name string, a *hcl.Attribute) hcl.Diagnostics {
	if name == "" || (len(name) <= 64 && isHostname(name)) {
		return nil
	}
	return invalid(a, "Invalid hostname",
		"%q is not a valid hostname: use at most 64 letters, digits, '-' and '.', with no '-' at either end of a label.", name)
}

func checkNotEmpty(v string, a *hcl.Attribute) hcl.Diagnostics {
	if v != "" {
		return nil
	}
	return invalid(a, "Empty value", "The value of %q may not be empty; leave the attribute out instead.", a.Name)
}

// checkRootfs refuses a rootfs that resolves to the host's own root: the
// sandbox would see and could change every host file.
func checkRootfs(resolved string, a *hcl.Attribute) hcl.Diagnostics {
	if resolved != "/" {
		return nil
	}
	return invalid(a, "Host root as rootfs",
		"The rootfs resolves to the host's root directory \"/\", which would give the sandbox the whole host. Leave rootfs out for a read-only view of the host's system.")
}

func checkNamespaces(kinds []string, a *hcl.Attribute) hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := map[string]bool{}
	for _, k := range kinds {
		switch {
		case !contains(NamespaceKinds, k):
			diags = append(diags, invalid(a, "Unknown namespace",
				"%q is not a namespace kind.%s Valid kinds: %s.", k, didYouMean(k, NamespaceKinds), strings.Join(NamespaceKinds, ", "))...)
		case seen[k]:
			diags = append(diags, invalid(a, "Duplicate namespace", "The namespace %q is listed twice.", k)...)
		}
		seen[k] = true
	}
	if kinds != nil && !seen["mount"] {
		diags = append(diags, invalid(a, "Mount namespace required",
			"The list must include \"mount\": the sandbox's root filesystem, /proc and /dev live in its own mount namespace.")...)
	}
	return diags
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
