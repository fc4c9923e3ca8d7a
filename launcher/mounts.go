package launcher

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// hostSystemDirs are the host directories a host-view sandbox sees, read-only.
var hostSystemDirs = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}

// hostEtc is the allowlist of /etc that a host-view sandbox sees: enough to
// resolve users, names and certificates, and nothing secret.
var hostEtc = []string{
	"/etc/passwd", "/etc/group", "/etc/hosts", "/etc/resolv.conf", "/etc/nsswitch.conf",
	"/etc/ld.so.cache", "/etc/ssl", "/etc/ca-certificates", "/etc/alternatives",
}

// devNodes are the device nodes bound from the host into a fresh /dev.
var devNodes = []string{"null", "zero", "full", "random", "urandom", "tty"}

// hostView lays out a read-only view of the host's system on an empty root:
// system directories (or the symlinks that stand for them on merged-/usr
// hosts) and the /etc allowlist. Missing host paths are left out.
func hostView(hfs HostFS) []isolation.Mount {
	var out []isolation.Mount
	for _, dir := range hostSystemDirs {
		info, err := hfs.Lstat(dir)
		if err != nil {
			continue
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			if target, err := hfs.Readlink(dir); err == nil {
				out = append(out, isolation.Mount{Kind: isolation.KindSymlink, Source: target, Target: dir})
			}
			continue
		}
		out = append(out, roBind(dir, false))
	}
	for _, p := range hostEtc {
		out = append(out, roBind(p, true))
	}
	return out
}

func roBind(p string, optional bool) isolation.Mount {
	return isolation.Mount{Kind: isolation.KindBind, Source: p, Target: p,
		Flags: []string{"ro", "nosuid", "nodev"}, Optional: optional}
}

// Default sizes of the sandbox's tmpfs mounts (config.Resources.ShmSize
// and TmpSize): without one a tmpfs may take half the host's memory.
const (
	defaultShmSize = 64 << 20
	defaultTmpSize = 1 << 30 // when there is no memory limit to follow
)

// devMounts are the first of the system mounts, the same for every
// sandbox: /proc, a fresh /dev with the host's harmless nodes bound in,
// its symlinks and its own devpts. Built once; each plan copies the
// Mount values (their Flags are never written, so sharing them is safe),
// which keeps planning thousands of sandboxes from rebuilding them.
var devMounts = sync.OnceValue(func() []isolation.Mount {
	out := []isolation.Mount{
		fsMount("proc", "/proc", "", "nosuid", "nodev", "noexec"),
		fsMount("tmpfs", "/dev", "mode=0755,size=64k", "nosuid", "nodev", "noexec"),
	}
	for _, n := range devNodes {
		out = append(out, isolation.Mount{Kind: isolation.KindBind, Source: "/dev/" + n, Target: "/dev/" + n})
	}
	for _, l := range [][2]string{
		{"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"},
		{"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"},
		{"pts/ptmx", "/dev/ptmx"},
	} {
		out = append(out, isolation.Mount{Kind: isolation.KindSymlink, Source: l[0], Target: l[1]})
	}
	return append(out, fsMount("devpts", "/dev/pts", "newinstance,ptmxmode=0666,mode=0620", "nosuid", "noexec"))
})

// The system mounts after /dev's, but for the two sized tmpfs mounts.
var (
	mqueueMount = fsMount("mqueue", "/dev/mqueue", "", "nosuid", "nodev", "noexec")
	sysfsMount  = fsMount("sysfs", "/sys", "", "ro", "nosuid", "nodev", "noexec")
	// sysfs can only be mounted by the owner of the net namespace: without
	// one, the sandbox sees the host's, read-only.
	hostSysMount = isolation.Mount{Kind: isolation.KindBind, Source: "/sys", Target: "/sys",
		Flags: []string{"ro", "nosuid", "nodev", "noexec"}}
)

// systemMountCount is how many mounts systemMounts returns.
func systemMountCount() int { return len(devMounts()) + 4 }

// systemMountSets hold the system mounts of each set of sizes met, shared
// by the plans of every sandbox that has no mount but those (the
// instances of a counted block: 2.5 KB each otherwise). No plan changes
// a mount in place, and each slice is full, so that an append copies.
var systemMountSets sync.Map // systemMountsKey → []isolation.Mount

type systemMountsKey struct {
	shm, tmp uint64
	net      bool
}

// sharedSystemMounts is appendSystemMounts(nil, s), shared.
func sharedSystemMounts(s *config.Sandbox) []isolation.Mount {
	shm, tmp := tmpfsSizes(s)
	k := systemMountsKey{shm, tmp, s.HasNamespace("net")}
	if v, ok := systemMountSets.Load(k); ok {
		return v.([]isolation.Mount)
	}
	v, _ := systemMountSets.LoadOrStore(k, slices.Clip(appendSystemMounts(nil, s)))
	return v.([]isolation.Mount)
}

// appendSystemMounts appends /proc, /dev, /tmp and /sys, the same for
// every root, to out.
func appendSystemMounts(out []isolation.Mount, s *config.Sandbox) []isolation.Mount {
	out = append(out, devMounts()...)
	shm, tmp := tmpfsSizes(s)
	sys := hostSysMount
	if s.HasNamespace("net") {
		sys = sysfsMount
	}
	return append(out,
		fsMount("tmpfs", "/dev/shm", "mode=1777,size="+sizeOption(shm), "nosuid", "nodev", "noexec"),
		mqueueMount,
		fsMount("tmpfs", "/tmp", "mode=1777,size="+sizeOption(tmp), "nosuid", "nodev"),
		sys)
}

// tmpfsSizes are the sizes of /dev/shm and /tmp: the configured ones, else
// 64 MiB and the memory limit (what /tmp holds counts against it anyway),
// or 1 GiB without one.
func tmpfsSizes(s *config.Sandbox) (shm, tmp uint64) {
	shm, tmp = s.ShmSize, s.TmpSize
	if shm == 0 {
		shm = defaultShmSize
	}
	if tmp == 0 {
		tmp = defaultTmpSize
		if s.Limits != nil && s.Limits.Memory > 0 {
			tmp = s.Limits.Memory
		}
	}
	return shm, tmp
}

// sizeOption writes a tmpfs size in kibibytes when it is whole ones, as
// mountinfo shows it.
func sizeOption(n uint64) string {
	if n%1024 == 0 {
		return fmt.Sprintf("%dk", n/1024)
	}
	return fmt.Sprint(n)
}

// beneath is where a host path that the configuration names stops being
// trusted (isolation.Mount.Beneath): its directory when the path lies in
// it, else "/".
func beneath(dir, p string) string {
	if dir != "" && dir != "/" && (p == dir || strings.HasPrefix(p, dir+"/")) {
		return dir
	}
	return "/"
}

func fsMount(fstype, target, data string, flags ...string) isolation.Mount {
	return isolation.Mount{Kind: isolation.KindFS, FSType: fstype, Target: target, Data: data, Flags: flags}
}
