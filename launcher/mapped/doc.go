// Package mapped does file work for an unprivileged launcher inside a user
// namespace that maps its subordinate id ranges, as a sandbox of that
// launcher maps them: root inside is the caller, ids 1 and up its ranges.
// An archive unpacked there keeps its owners, shifted into the ranges on
// the host, and shows them unchanged inside the sandbox; a tree so made,
// whose files the caller cannot remove from outside, is removed there too.
//
// The work runs in a stage of the launcher's own program: the launcher
// executes itself (/proc/self/exe) with StageArg, cloned into a new user
// namespace; newuidmap and newgidmap write the maps once it runs; it then
// becomes root of the namespace and runs one registered operation. A stage
// of the same program, rather than an unshare(1) wrapper, needs no tool
// beyond the id helpers a rootless sandbox already uses, runs the very
// unpacker that root uses, and keeps the digest check in the launcher,
// which streams the verified archive to the stage.
//
// It must never import the launcher or isolation.
package mapped
