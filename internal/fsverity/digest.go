package fsverity

import (
	"crypto/sha256"
	"encoding/binary"
)

// Parameters of the digests this package computes: those of fsverity's
// defaults, and those Enable asks the kernel for.
const (
	blockSize     = 4096
	logBlockSize  = 12
	hashAlgSHA256 = 1
)

// Digest is the fs-verity digest of a file holding data.
func Digest(data []byte) [sha256.Size]byte {
	var root [sha256.Size]byte
	if len(data) > 0 { // an empty file's root hash is all zeros
		level := hashBlocks(data)
		for len(level) > sha256.Size {
			level = hashBlocks(level)
		}
		copy(root[:], level)
	}
	// The fsverity_descriptor: version, hash algorithm, log2 of the block
	// size, salt size, a reserved word, the data size, the root hash (64
	// bytes), the salt (32) and 144 reserved bytes.
	desc := make([]byte, 256)
	desc[0], desc[1], desc[2] = 1, hashAlgSHA256, logBlockSize
	binary.LittleEndian.PutUint64(desc[8:], uint64(len(data)))
	copy(desc[16:], root[:])
	return sha256.Sum256(desc)
}

// hashBlocks returns the SHA-256 of each blockSize block of b, the last
// one padded with zeros, one after the other: the next level of the tree.
func hashBlocks(b []byte) []byte {
	out := make([]byte, 0, (len(b)+blockSize-1)/blockSize*sha256.Size)
	block := make([]byte, blockSize)
	for off := 0; off < len(b); off += blockSize {
		n := copy(block, b[off:])
		clear(block[n:])
		sum := sha256.Sum256(block)
		out = append(out, sum[:]...)
	}
	return out
}
