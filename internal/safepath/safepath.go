package safepath

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
)

// UnsafeError is a path that is not safe, with the directory at fault.
type UnsafeError struct {
	// Path is the path that was checked.
	Path string
	// Dir is the directory, or symlink, at fault; it may be Path itself.
	Dir string
	// Why says what is wrong with Dir, such as "belongs to another user".
	Why string
	// UID and Mode are Dir's owner and mode bits (permissions, setgid, sticky).
	UID  int
	Mode uint32
}

func (e *UnsafeError) Error() string {
	at := e.Dir
	if e.Dir == e.Path {
		at = "it"
	}
	return fmt.Sprintf("%s is not safe for %s: %s %s; owner %s, mode %04o", e.Path, userName(os.Geteuid()), at, e.Why, userName(e.UID), e.Mode)
}

// userName is "root", "nobody (uid 65534)" or "uid 1234".
func userName(uid int) string {
	if uid == 0 {
		return "root"
	}
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return u.Username + " (uid " + strconv.Itoa(uid) + ")"
	}
	return "uid " + strconv.Itoa(uid)
}
