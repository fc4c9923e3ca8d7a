//go:build unix

package rootfs

import (
	"io/fs"
	"strconv"
	"syscall"
)

// deviceNumber is the device number of a device node, as text.
func deviceNumber(info fs.FileInfo) string {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return strconv.FormatUint(uint64(st.Rdev), 10)
	}
	return ""
}
