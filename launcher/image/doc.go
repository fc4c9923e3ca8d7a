// Package image keeps OCI images on the host as root filesystems: it
// resolves an image source (a registry reference, an OCI image layout
// directory, a `docker save` archive) to digests, pulls what the store
// lacks, and hands back the unpacked layers and the image's configuration.
//
// # The store
//
// Under $SANDBOX_HOME/images:
//
//	layers/sha256-<diff id>/   one unpacked layer, an overlayfs lower layer
//	                           (".user" appended: whiteouts in user.overlay.* form)
//	images/sha256-<id>.json    one image: its digests, configuration, layers
//	locks/                     flock files: one per layer and image, and
//	                           the leases of running sandboxes
//	tmp/                       layers being unpacked, renamed into layers/ when whole
//
// Layers are keyed by their diff id, the digest of the uncompressed tar
// stream, so one layer pulled from a registry, read from a layout or
// from an archive is unpacked once and shared by every image that has
// it. Every blob is checked against its digest while it streams: the
// compressed layer against the manifest's digest and the stream against
// the configuration's diff id; a layer whose digests do not match is
// never renamed into the store. Two launchers that pull one layer take
// its lock in turn: the second finds the work done. An interrupted pull
// removes its temporary directory; a killed one leaves it to the next
// puller of that layer, which holds the layer's lock and so knows the
// leftover is dead.
//
// A running sandbox holds a shared lock on its image's lease file for as
// long as its launcher lives, which is how prune knows what is in use.
//
// The store is launcher-made: the layers are trusted whole by the child
// (see isolation.Root.Lower). As root, every directory is 0700 and the
// store is refused unless root alone can write it and its parents
// (internal/safepath).
//
// It owns the image store and nothing of a sandbox's start: it must never
// import the launcher, isolation or config.
package image
