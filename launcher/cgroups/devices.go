package cgroups

import (
	"fmt"
	"strconv"
)

// DeviceRule lets a sandbox's processes use one device, or every minor of
// one major, in some of three ways.
type DeviceRule struct {
	// Type is "c" for a char device, "b" for a block device.
	Type  string `json:"type"`
	Major int64  `json:"major"`
	// Minor is AnyMinor for every minor of Major.
	Minor int64 `json:"minor"`
	// Access holds the letters of what is allowed: r opens for reading,
	// w for writing, m creates the node (mknod).
	Access string `json:"access"`
	// Name is the node's usual path, for people reading the plan.
	Name string `json:"name"`
}

// AnyMinor as DeviceRule.Minor matches every minor number.
const AnyMinor = -1

// String is the rule as the v1 devices.allow file takes it: "c 1:3 rwm",
// "c 136:* rwm".
func (r DeviceRule) String() string {
	minor := "*"
	if r.Minor != AnyMinor {
		minor = strconv.FormatInt(r.Minor, 10)
	}
	return fmt.Sprintf("%s %d:%s %s", r.Type, r.Major, minor, r.Access)
}

// DefaultDevices is the device allowlist of every sandbox with a cgroup:
// the nodes its /dev holds (bound from the host) and the pseudo-terminals
// of its own devpts. Opening, or creating, any other device fails with
// EPERM, whatever node a root filesystem or a mount brings in.
//
// It is runc's default (libcontainer/specconv.AllowedDevices) less three
// rules, which crun's default (libcrun default_devices) also has:
// "c *:* m" and "b *:* m", mknod of any device, which nothing in a sandbox
// needs (it has no CAP_MKNOD by default, and its /dev is bound, not made),
// and "c 10:200 rwm", /dev/net/tun, kept by runc only for old
// orchestrators and useless without CAP_NET_ADMIN. crun also allows
// "c 5:1 rwm", /dev/console, which a sandbox does not have.
var DefaultDevices = []DeviceRule{
	{Type: "c", Major: 1, Minor: 3, Access: "rwm", Name: "/dev/null"},
	{Type: "c", Major: 1, Minor: 5, Access: "rwm", Name: "/dev/zero"},
	{Type: "c", Major: 1, Minor: 7, Access: "rwm", Name: "/dev/full"},
	{Type: "c", Major: 1, Minor: 8, Access: "rwm", Name: "/dev/random"},
	{Type: "c", Major: 1, Minor: 9, Access: "rwm", Name: "/dev/urandom"},
	{Type: "c", Major: 5, Minor: 0, Access: "rwm", Name: "/dev/tty"},
	{Type: "c", Major: 5, Minor: 2, Access: "rwm", Name: "/dev/ptmx"},
	{Type: "c", Major: 136, Minor: AnyMinor, Access: "rwm", Name: "/dev/pts/*"},
}

// deviceAllowlist names the device rules in Missing and in warnings.
const deviceAllowlist = "device allowlist"

// deviceWritesV1 are the writes that make rules a v1 cgroup's only
// devices: deny all, which also forgets the rules the cgroup inherited,
// then allow each.
func deviceWritesV1(rules []DeviceRule) []CgroupWrite {
	out := []CgroupWrite{{Controller: "devices", File: "devices.deny", Value: "a", Limit: deviceAllowlist}}
	for _, r := range rules {
		out = append(out, CgroupWrite{Controller: "devices", File: "devices.allow", Value: r.String(), Limit: deviceAllowlist})
	}
	return out
}
