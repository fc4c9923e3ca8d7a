package config

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Security is how much privilege a sandbox's command keeps.
type Security struct {
	// User is "" (root), "UID", "UID:GID", "NAME" or "NAME:GROUP"; names
	// are looked up in the sandbox's own /etc/passwd and /etc/group.
	User string
	// CapAdd and CapDrop adjust the default capabilities. Names are
	// normalized to upper case with the CAP_ prefix; "ALL" stands for every one.
	CapAdd, CapDrop []string
	// AllowNewPrivileges is set by no_new_privileges = false. Otherwise
	// no_new_privs keeps setuid binaries and file capabilities from
	// granting anything. (The zero value is the safe one.)
	AllowNewPrivileges bool
	// Seccomp is the syscall filter.
	Seccomp SeccompConfig
}

// SeccompConfig selects a seccomp profile and adjusts it.
type SeccompConfig struct {
	// Profile is "default" (Docker's; also what "" means) or "unconfined" (no filter).
	Profile string
	// Allow and Deny add syscalls to, or remove them from, the profile.
	Allow, Deny []string
}

// Seccomp profile names.
const (
	SeccompDefault    = "default"
	SeccompUnconfined = "unconfined"
)

// decodeSecurity fills s.Security from user, no_new_privileges, seccomp and
// the capabilities block.
func decodeSecurity(s *Sandbox, content *hcl.BodyContent, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	s.Security.Seccomp.Profile = SeccompDefault
	if a, ok := content.Attributes["user"]; ok {
		v, ok, d := stringValue(a, ctx)
		diags = append(diags, d...)
		if ok && !isUserSpec(v) {
			diags = append(diags, invalid(a, "Invalid user",
				"%q is not a user: write \"UID\", \"UID:GID\", \"NAME\" or \"NAME:GROUP\", such as \"1000:1000\" or \"nobody\".", v)...)
		}
		s.Security.User = v
	}
	if a, ok := content.Attributes["no_new_privileges"]; ok {
		v, d := attrValue(a, ctx, cty.Bool, "a bool")
		diags = append(diags, d...)
		if !d.HasErrors() && !v.IsNull() {
			s.Security.AllowNewPrivileges = v.False()
		}
	}
	if a, ok := content.Attributes["seccomp"]; ok {
		diags = append(diags, decodeSeccomp(s, a, ctx)...)
	}
	for _, b := range content.Blocks.OfType("capabilities") {
		diags = append(diags, decodeCapabilities(s, b, ctx)...)
	}
	if blocks := content.Blocks.OfType("capabilities"); len(blocks) > 1 {
		diags = append(diags, onlyOne(blocks)...)
	}
	return diags
}

var capabilitiesSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "add"}, {Name: "drop"}},
}

func decodeCapabilities(s *Sandbox, b *hcl.Block, ctx *hcl.EvalContext) hcl.Diagnostics {
	content, diags := b.Body.Content(capabilitiesSchema)
	for name, a := range content.Attributes {
		list, d := stringList(a, ctx)
		diags = append(diags, d...)
		s.Ranges["capabilities."+name] = a.Expr.Range()
		for i := range list {
			list[i] = NormalizeCapability(list[i])
		}
		if name == "add" {
			s.Security.CapAdd = list
		} else {
			s.Security.CapDrop = list
		}
	}
	return diags
}

// NormalizeCapability spells a capability name as the kernel headers do:
// "net_raw" and "CAP_NET_RAW" are both "CAP_NET_RAW"; "all" is "ALL".
func NormalizeCapability(name string) string {
	n := strings.ToUpper(strings.TrimSpace(name))
	if n == "ALL" || strings.HasPrefix(n, "CAP_") {
		return n
	}
	return "CAP_" + n
}

// decodeSeccomp accepts "default", "unconfined" or an object
// { profile = "default", allow = [...], deny = [...] }.
func decodeSeccomp(s *Sandbox, a *hcl.Attribute, ctx *hcl.EvalContext) hcl.Diagnostics {
	v, diags := evalChecked(a.Expr, ctx)
	if diags.HasErrors() || v.IsNull() || !v.IsWhollyKnown() {
		return diags // unknown: nothing to check (see attrValue)
	}
	if v.Type() == cty.String {
		s.Security.Seccomp.Profile = v.AsString()
		return checkProfile(s.Security.Seccomp.Profile, a)
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		return invalid(a, "Incorrect attribute value type",
			"Inappropriate value for attribute \"seccomp\": \"default\", \"unconfined\" or { profile, allow, deny } required, got %s.", v.Type().FriendlyName())
	}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		diags = append(diags, seccompField(s, a, k.AsString(), e)...)
	}
	return diags
}

func seccompField(s *Sandbox, a *hcl.Attribute, key string, v cty.Value) hcl.Diagnostics {
	switch key {
	case "profile":
		if v.Type() != cty.String || v.IsNull() {
			return invalid(a, "Invalid seccomp profile", "The seccomp profile must be \"default\" or \"unconfined\".")
		}
		s.Security.Seccomp.Profile = v.AsString()
		return checkProfile(v.AsString(), a)
	case "allow", "deny":
		list, ok := stringsOf(v)
		if !ok {
			return invalid(a, "Invalid seccomp "+key, "seccomp.%s must be a list of syscall names.", key)
		}
		if key == "allow" {
			s.Security.Seccomp.Allow = list
		} else {
			s.Security.Seccomp.Deny = list
		}
		return nil
	}
	return invalid(a, "Unsupported seccomp setting",
		"%q is not a seccomp setting.%s Settings: profile, allow, deny.", key, didYouMean(key, []string{"profile", "allow", "deny"}))
}

func checkProfile(p string, a *hcl.Attribute) hcl.Diagnostics {
	if p == SeccompDefault || p == SeccompUnconfined {
		return nil
	}
	profiles := []string{SeccompDefault, SeccompUnconfined}
	return invalid(a, "Unknown seccomp profile", "%q is not a seccomp profile.%s Profiles: default, unconfined.", p, didYouMean(p, profiles))
}

// stringsOf converts a list or tuple of strings.
func stringsOf(v cty.Value) ([]string, bool) {
	if !v.CanIterateElements() || v.Type().IsMapType() || v.Type().IsObjectType() {
		return nil, false
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() || e.Type() != cty.String || !e.IsKnown() {
			return nil, false
		}
		out = append(out, e.AsString())
	}
	return out, true
}
