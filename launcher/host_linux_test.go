package launcher

// probeTestHost is ProbeHost with the tests' cgroup faults (none, unless built
// with the cgroupv2break tag).
func probeTestHost() *Host {
	h := ProbeHost()
	h.Cgroups.Faults = cgroupFaults
	return h
}
