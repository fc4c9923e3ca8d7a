//go:build !linux

package isolation

// CloseInheritedOnExec does nothing off Linux.
func CloseInheritedOnExec() {}
