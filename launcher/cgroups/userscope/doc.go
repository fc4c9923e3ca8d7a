// Package userscope asks the user's systemd manager, over D-Bus, for a
// transient scope with Delegate=yes that holds the calling process: the
// cgroup v2 subtree that a launcher without root then uses for its
// sandboxes' cgroups (launcher/cgroups.ProbeDelegated finds it there).
//
// It never starts a bus: without $DBUS_SESSION_BUS_ADDRESS or the socket
// $XDG_RUNTIME_DIR/bus there is no user manager to ask, and Address says
// so. Only the launcher (the parent) uses it; the sandbox's child must
// never link it.
package userscope
