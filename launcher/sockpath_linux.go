package launcher

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// maxSockPath is the longest path a unix socket address holds (sun_path,
// with its terminating NUL).
const maxSockPath = 107

// sockAddr is a path to the socket file name in dir that fits a socket
// address however deep dir is: dir itself when short enough, else
// /proc/self/fd/N/name through dir opened O_PATH, which done closes once
// the socket is bound or connected. A project's state directory can be
// deeper than sun_path allows.
func sockAddr(dir, name string) (addr string, done func(), err error) {
	if len(dir)+1+len(name) <= maxSockPath {
		return dir + "/" + name, func() {}, nil
	}
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", nil, fmt.Errorf("open %s: %w", dir, err)
	}
	return "/proc/self/fd/" + strconv.Itoa(fd) + "/" + name, func() { unix.Close(fd) }, nil
}
