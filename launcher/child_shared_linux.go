package launcher

import (
	"path/filepath"
	"strings"

	"github.com/hclsandbox/sandbox/internal/safepath"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
	"golang.org/x/sys/unix"
)

// sharedChildDir is where root's launcher, with the default home, keeps
// its cached child (readonlyChild), and where a launcher without root
// looks for it. A string constant, so that a build can move it with -X.
var sharedChildDir = rootfs.DefaultHome + "/bin"

// sharedChild returns an fd of root's cached child in dir, for a launcher
// without root: its sandboxes then run the child in place, where they
// would otherwise run a sealed memfd copy of it, 2.8 MB copied at every
// launch. It is as safe (CVE-2019-5736): every process of such a sandbox
// has ids that map to the caller's own and its subordinate ones, and no
// capability over a file whose owner, root, is not mapped into its user
// namespace, so it cannot open root's copy for writing, chmod it or
// replace it. The copy is used only when root vouched for it: a regular
// file of root's that no one else may write, in a directory that passes
// safepath and is root's, whose fs-verity digest is the child's or whose
// record, root's too, holds this version's stamp (checkChild). Anything
// else is errNoCachedChild, and the caller copies: it cannot hash 2.6 MB
// at every launch for less than the copy costs, nor write a record.
func sharedChild(digest, dir string) (int, error) {
	if digest == "" || strings.ContainsAny(digest, "/.") {
		return -1, errNoCachedChild
	}
	d, err := safepath.Open(dir)
	if err != nil {
		return -1, errNoCachedChild
	}
	defer d.Close()
	var dst unix.Stat_t
	if unix.Fstat(d.Fd(), &dst) != nil || dst.Uid != 0 {
		return -1, errNoCachedChild
	}
	name := "sandbox-init-" + digest
	f, err := openCached(d, name)
	if err != nil {
		return -1, errNoCachedChild
	}
	defer f.Close()
	st, err := rootsFile(f)
	if err != nil {
		return -1, errNoCachedChild
	}
	if ok, err := vouched(d, name, f, st); !ok || err != nil {
		return -1, errNoCachedChild
	}
	var sfs unix.Statfs_t
	if unix.Fstatfs(int(f.Fd()), &sfs) != nil || sfs.Flags&unix.ST_NOEXEC != 0 {
		return -1, errNoCachedChild
	}
	return unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, childFDMin)
}

// shareChildDir lets launchers without root reach the cached child in
// dir, root's sharedChildDir: dir and the home above it become searchable
// by everyone (0711), not listable. Everything else in the home keeps its
// own mode, 0700 for every directory the launcher makes there.
func shareChildDir(dir string) {
	for _, p := range []string{filepath.Dir(dir), dir} {
		var st unix.Stat_t
		if unix.Lstat(p, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR && st.Uid == 0 && st.Mode&0o011 != 0o011 {
			unix.Chmod(p, st.Mode&0o7777|0o011)
		}
	}
}
