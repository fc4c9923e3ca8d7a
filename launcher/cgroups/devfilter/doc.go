// Package devfilter turns a device allowlist into a cgroup v2 device
// program (BPF_PROG_TYPE_CGROUP_DEVICE) and attaches it to a sandbox's
// cgroup, with cilium/ebpf. cgroup v2 has no devices.allow file: the
// kernel asks the programs attached to a process's cgroup, and to its
// ancestors, whether an open or mknod of a device node may go on.
//
// The launcher passes Attach to cgroups.NewCgroup. It is parent-side
// only: isolation, which the sandbox's child links, must never import it
// (nor launcher/cgroups), so that the child links no BPF loader and pays
// for no package initialisation of one at every start. It must never
// import config or isolation.
package devfilter
