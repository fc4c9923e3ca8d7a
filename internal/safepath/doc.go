// Package safepath checks that a directory, and every directory on the way
// to it, can be changed by no one but root and the current user, before the
// launcher trusts what it finds there or puts there: a cached program it
// executes, unpacked root filesystems, the records it acts on.
//
// The rule is the usual one for files that root trusts (OpenSSH's
// safe_path, sudo's): every directory from / down is owned by root or by the
// current user, and neither group nor others may write it. One relaxation
// lets a path run through /tmp: a directory that others may write but that
// is sticky (mode 1777) is accepted when it is not the last one, because in
// a sticky directory only an entry's owner may rename or remove the entry,
// and that entry, the next component, must itself be root's or the user's.
// The last directory, where the launcher keeps its files, must be safe
// without the relaxation: in a sticky directory anyone may still create a
// name the launcher has not made yet.
//
// MkdirAllTrusting also trusts one more user with the directories on the
// way (not with the last one): the author of a configuration, for a
// directory it names below their own.
//
// A symlink on the way is followed only when it sits in a directory that
// passed and belongs to root or the user (in a sticky directory it may be
// another user's). Every check is made on a descriptor, walking from /
// with openat and O_NOFOLLOW, so nothing can be swapped between a check and
// the next step. The result names the directory by a path without symlinks,
// all of whose directories passed: using that path later by name reaches
// the same directory, since no one else can change any of them.
package safepath
