package state

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// replaceFile puts tmp in place of dst atomically: a reader sees the old
// file or the new one, never neither. It exchanges the two, leaving the
// old content under tmp, rather than renaming over dst: on ext4, renaming
// over a file first writes out the new one's data (auto_da_alloc), which
// made every update of a record wait for the disk where /run is not a
// tmpfs.
func replaceFile(tmp, dst string) error {
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, dst, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS):
		// No dst yet, or a filesystem without exchange.
		return os.Rename(tmp, dst)
	default:
		return err
	}
}

// Install puts the file tmp in place of dst atomically, as replaceFile
// does, and removes what dst was: for files written whole each time, such
// as receipts, without the cost of renaming over dst on ext4. (After a
// plain rename, when there was no dst, tmp is already gone.)
func Install(tmp, dst string) error {
	if err := replaceFile(tmp, dst); err != nil {
		return err
	}
	os.Remove(tmp) // the previous dst
	return nil
}
