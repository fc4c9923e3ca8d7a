//go:build !linux

package launcher

// Doctor reports that sandboxes run only on Linux.
func Doctor() []Check {
	return []Check{{Name: "Linux", Detail: "sandboxes run only on Linux; validate, plan and fmt work here"}}
}
