package rootfs

import (
	"io/fs"
	"syscall"
)

// statOf is what an Index compares of a file, from its lstat data.
func statOf(info fs.FileInfo) *entryStat {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return &entryStat{dev: st.Dev, ino: st.Ino, size: uint64(st.Size),
		mtimeNs: st.Mtim.Nano(), ctimeNs: st.Ctim.Nano()}
}
