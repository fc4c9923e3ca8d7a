//go:build !linux

package doctor

// Run reports that sandboxes run only on Linux.
func Run() []Check {
	return []Check{{Name: "Linux", Detail: "sandboxes run only on Linux; validate, plan and fmt work here"}}
}
