// Package fsverity computes and reads fs-verity file digests: SHA-256 over
// a Merkle tree of 4096-byte blocks, no salt, as `fsverity digest` prints
// them and as the kernel measures a file whose verity is enabled (ext4 and
// f2fs with the verity feature). A file with verity enabled can no longer
// be written, and measuring it takes one ioctl whatever its size.
package fsverity
