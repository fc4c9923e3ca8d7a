package seccomp

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// What a filter returns (linux/seccomp.h): an action in the high 16 bits,
// its data (an errno) in the low ones.
const (
	retKillThread  = 0x00000000
	retKillProcess = 0x80000000
	retTrap        = 0x00030000
	retErrno       = 0x00050000
	retTrace       = 0x7ff00000
	retLog         = 0x7ffc0000
	retAllow       = 0x7fff0000
	retData        = 0x0000ffff
)

// errnoEPERM is the errno of an errno action that names none, as in
// libseccomp; errnoENOSYS answers x32 calls on x86-64.
const (
	errnoEPERM  = 1
	errnoENOSYS = 38
)

// actionValue is what a filter returns for an action and its errno (nil:
// EPERM). Actions that need a listener (SCMP_ACT_NOTIFY) are refused.
func actionValue(a specs.LinuxSeccompAction, errno *uint) (uint32, error) {
	data := uint32(errnoEPERM)
	if errno != nil {
		if a != specs.ActErrno && a != specs.ActTrace {
			return 0, fmt.Errorf("action %s takes no errno (errnoRet %d)", a, *errno)
		}
		data = uint32(*errno) & retData
	}
	switch a {
	case specs.ActAllow:
		return retAllow, nil
	case specs.ActErrno:
		return retErrno | data, nil
	case specs.ActKill, specs.ActKillThread:
		return retKillThread, nil
	case specs.ActKillProcess:
		return retKillProcess, nil
	case specs.ActTrap:
		return retTrap, nil
	case specs.ActTrace:
		return retTrace | data, nil
	case specs.ActLog:
		return retLog, nil
	}
	return 0, fmt.Errorf("unsupported action %q", a)
}
