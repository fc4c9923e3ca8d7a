// Package devfilter turns a device allowlist into a cgroup v2 device
// program (BPF_PROG_TYPE_CGROUP_DEVICE) and attaches it to a sandbox's
// cgroup, with cilium/ebpf. cgroup v2 has no devices.allow file: the
// kernel asks the programs attached to a process's cgroup, and to its
// ancestors, whether an open or mknod of a device node may go on.
//
// The launcher passes Attach to isolation.NewCgroup. The isolation package
// must never import this one: the sandbox's child links isolation, and
// must not link a BPF loader, nor pay for its package initialisation, at
// every start.
package devfilter
