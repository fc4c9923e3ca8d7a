package rootfs

// DeviceCount is what an unpack did with the archive's device nodes.
type DeviceCount struct {
	// Skipped are the nodes left out, Made those made.
	Skipped, Made int
}
