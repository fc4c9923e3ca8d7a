//go:build !linux

package launcher

// HelperMain does nothing off Linux.
func HelperMain() {}
