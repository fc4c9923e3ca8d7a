// Package cgroups is the parent's side of a sandbox's cgroup: the v1
// driver (a hierarchy per controller) and the v2 driver (unified), chosen
// by probing the host (ProbeCgroups), never by configuration. A sandbox's
// limits become a CgroupConfig: the controllers to use and its settings
// as an ordered list of (file, value) writes, plus the device allowlist,
// which v1 writes to devices.allow and v2 attaches as a device program
// (the devfilter subpackage, passed in as a DeviceFilter). Every file
// operation goes through an ops table, so the drivers are tested against
// a fake tree in a temporary directory.
//
// Only the launcher (the parent) uses it: isolation, which the sandbox's
// child links, must never import it. It must never import config,
// launcher or isolation itself; it knows limits as numbers, not HCL.
package cgroups
