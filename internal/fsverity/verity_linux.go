package fsverity

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ErrNotVerity says that a file has no fs-verity digest: its filesystem
// lacks the feature, or verity is not enabled on it.
var ErrNotVerity = errors.New("no fs-verity digest")

// Measure returns the fs-verity digest the kernel enforces for the open
// file fd (FS_IOC_MEASURE_VERITY), or ErrNotVerity.
func Measure(fd int) ([]byte, error) {
	// struct fsverity_digest: the algorithm and size, then the digest.
	buf := make([]byte, 4+64)
	binary.NativeEndian.PutUint16(buf[2:], 64)
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.FS_IOC_MEASURE_VERITY, uintptr(unsafe.Pointer(&buf[0])))
	switch errno {
	case 0:
	case unix.ENODATA, unix.ENOTTY, unix.EOPNOTSUPP:
		return nil, ErrNotVerity
	default:
		return nil, fmt.Errorf("measure fs-verity digest: %w", errno)
	}
	alg, size := binary.NativeEndian.Uint16(buf), binary.NativeEndian.Uint16(buf[2:])
	if alg != hashAlgSHA256 || int(size) > len(buf)-4 {
		return nil, fmt.Errorf("measure fs-verity digest: algorithm %d, not SHA-256", alg)
	}
	return buf[4 : 4+size], nil
}

// Enable turns fs-verity on for the open file fd, which must be open
// read-only and not open for writing anywhere, with the parameters Digest
// uses. ErrNotVerity means that its filesystem cannot.
func Enable(fd int) error {
	arg := unix.FsverityEnableArg{Version: 1, Hash_algorithm: hashAlgSHA256, Block_size: blockSize}
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.FS_IOC_ENABLE_VERITY, uintptr(unsafe.Pointer(&arg)))
	switch errno {
	case 0, unix.EEXIST:
		return nil
	case unix.ENOTTY, unix.EOPNOTSUPP:
		return ErrNotVerity
	}
	return fmt.Errorf("enable fs-verity: %w", errno)
}
