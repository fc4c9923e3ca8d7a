// Package rootfs prepares root filesystems on the host before a sandbox
// starts: it computes the digests that pin them, keeps the lock file that
// records those digests, and unpacks tarballs into a content-addressed cache.
//
// It runs in the launcher, never in the sandbox child. Unpacking must never
// create, change or follow anything outside the cache entry it fills, and a
// cache entry exists only once it is complete. It must never import the
// launcher or isolation.
package rootfs
