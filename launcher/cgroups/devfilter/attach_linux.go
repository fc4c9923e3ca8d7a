package devfilter

import (
	"fmt"

	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// Attach compiles rules, loads the program and attaches it to the cgroup
// v2 directory open as dirFd. It has the signature of
// cgroups.DeviceFilter.
//
// The attachment is the legacy one, BPF_PROG_ATTACH, as runc's: the cgroup
// itself then holds the program, which stays in force after this process
// closes its descriptors or exits (a sandbox started with `up -d` outlives
// the command that started it) until the cgroup is removed. A BPF link
// would be detached when its last descriptor closed. BPF_F_ALLOW_MULTI
// lets a program attached below add restrictions but never lift these:
// the kernel allows a request only when every program of the cgroup and of
// its ancestors does.
//
// The program is charged to the launcher's memory cgroup (Linux 5.11+)
// or, on older kernels, to RLIMIT_MEMLOCK, of which it takes a page. The
// limit is left alone: raising it, as runc does, would raise it for the
// sandbox, which inherits it.
func Attach(dirFd int, rules []cgroups.DeviceRule) error {
	prog, err := load(rules)
	if err != nil {
		return err
	}
	defer prog.Close()
	err = link.RawAttachProgram(link.RawAttachProgramOptions{
		Target:  dirFd,
		Program: prog,
		Attach:  ebpf.AttachCGroupDevice,
		Flags:   unix.BPF_F_ALLOW_MULTI,
	})
	if err != nil {
		return fmt.Errorf("attach device program: %w", err)
	}
	return nil
}

// Check loads the program of rules and unloads it: whether this kernel
// takes it, attaching nothing.
func Check(rules []cgroups.DeviceRule) error {
	prog, err := load(rules)
	if err != nil {
		return err
	}
	return prog.Close()
}

func load(rules []cgroups.DeviceRule) (*ebpf.Program, error) {
	insns, err := Program(rules)
	if err != nil {
		return nil, err
	}
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Name:         "sandbox_devices",
		Type:         ebpf.CGroupDevice,
		Instructions: insns,
		// The kernel reads the license only to refuse GPL-only helpers
		// to other programs; this one calls no helper.
		License: "MIT",
	})
	if err != nil {
		return nil, fmt.Errorf("load device program: %w", err)
	}
	return prog, nil
}
