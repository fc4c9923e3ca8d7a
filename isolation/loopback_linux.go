package isolation

import "golang.org/x/sys/unix"

// loopbackUp brings up lo in the sandbox's network namespace, as every
// container runtime does: a private namespace starts with it down, and
// servers listening on 127.0.0.1 would be unreachable.
func loopbackUp() *StepError {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return stepErr("bring up lo: socket", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return stepErr("bring up lo", err)
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return stepErr("bring up lo: read its flags", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return stepErr("bring up lo", err)
	}
	return nil
}
