//go:build !linux

package testenv

func withCgo() bool { return false }
