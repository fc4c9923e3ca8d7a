package rootfs

import (
	"archive/tar"
	"bufio"
	"bytes"
	"io"
	"os"
)

// IsTarball reports whether the file at p starts as a rootfs tarball does:
// a gzip, xz or zstd stream, or a plain tar header with a valid checksum.
// It reads at most the first header, so a wrong file is refused before
// anything is unpacked.
func IsTarball(p string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(6)
	for _, m := range [][]byte{gzipMagic, xzMagic, zstdMagic} {
		if bytes.HasPrefix(head, m) {
			return true, nil
		}
	}
	_, err = tar.NewReader(io.LimitReader(br, 64<<10)).Next()
	return err == nil, nil
}
