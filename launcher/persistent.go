package launcher

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/safepath"
)

// rootfsLayers are what the launcher makes in a persistent rootfs's state_dir.
var rootfsLayers = []string{"upper", "work"}

// makeRootfsState makes a persistent rootfs's state_dir and its upper/ and
// work/ layers. Whatever a root payload writes lands in upper/ with its
// owner and mode, a setuid-root copy of a shell included, so state_dir is
// this user's and closed to everyone else (0700), and every directory
// above it must pass safepath, which also trusts author, the owner of the
// configuration that names it (a project directory in a home): they could
// have the sandbox write anywhere anyway. An existing state_dir that
// others may enter is closed when it holds nothing but the layers, as an
// earlier version made it; otherwise it is refused, naming its owner and
// mode, since it is someone's directory.
func makeRootfsState(dir string, author int) error {
	d, err := safepath.MkdirAllTrusting(dir, 0o700, author)
	if err != nil {
		return fmt.Errorf("rootfs state_dir: %w", err)
	}
	defer d.Close()
	// d.Path is safe: no one else can swap what it names.
	info, err := os.Stat(d.Path)
	if err != nil {
		return fmt.Errorf("rootfs state_dir: %w", err)
	}
	if st, ok := info.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("rootfs state_dir %s belongs to uid %d, not to this user: give the sandbox a directory of its own", d.Path, ownerUID(info))
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		if !onlyLayers(d.Path) {
			return fmt.Errorf("rootfs state_dir %s has mode %04o and holds more than upper/ and work/: other users could reach the files the sandbox leaves there, setuid ones included; make it 0700 (chmod 700 %s) or give the sandbox a directory of its own",
				d.Path, perm, d.Path)
		}
		if err := os.Chmod(d.Path, 0o700); err != nil {
			return fmt.Errorf("rootfs state_dir: %w", err)
		}
	}
	for _, l := range rootfsLayers {
		// 0755: the upper layer's mode is the mode of the sandbox's "/".
		if err := os.Mkdir(filepath.Join(d.Path, l), 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("create rootfs state directory: %w", err)
		}
	}
	return nil
}

// onlyLayers reports whether dir holds nothing but rootfsLayers.
func onlyLayers(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() || (e.Name() != rootfsLayers[0] && e.Name() != rootfsLayers[1]) {
			return false
		}
	}
	return true
}

// configAuthor is the owner of s's configuration file, or -1.
func configAuthor(s *config.Sandbox) int {
	info, err := os.Stat(s.File)
	if err != nil {
		return -1
	}
	return ownerUID(info)
}

// ownerUID is the owner of info's file, or -1.
func ownerUID(info os.FileInfo) int {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}
