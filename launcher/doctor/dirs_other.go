//go:build !linux

package doctor

// DirChecks says nothing off Linux, where no sandbox runs.
func DirChecks(home, run string) []Check { return nil }
