package launcher

import (
	"strconv"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// hostHome is the home of a host-view sandbox: HOME is /root, which the
// read-only view does not have, so tools that write there (go's build
// cache, a shell's history) failed with "read-only file system". A tmpfs
// at /root, as big as /tmp, is writable, private and gone with the
// sandbox; it is the user's own when the user is given by number, and
// sticky and open to all (as /tmp) when by name, which only the sandbox's
// /etc/passwd can turn into a number.
func hostHome(s *config.Sandbox) isolation.Mount {
	_, size := tmpfsSizes(s)
	data := "mode=0700"
	if u := s.Security.User; u != "" {
		uid, gid, _ := strings.Cut(u, ":")
		if gid == "" {
			gid = uid
		}
		if isNumber(uid) && isNumber(gid) {
			data += ",uid=" + uid + ",gid=" + gid
		} else {
			data = "mode=1777"
		}
	}
	return fsMount("tmpfs", "/root", data+",size="+sizeOption(size), "nosuid", "nodev")
}

func isNumber(s string) bool {
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil
}
