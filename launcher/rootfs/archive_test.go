package rootfs

import (
	"bytes"
	"io"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

func TestDecompressFormats(t *testing.T) {
	plain := makeTar(t, tarEntry{name: "f", body: "hello"})
	var xzBuf, zstBuf bytes.Buffer
	xw, _ := xz.NewWriter(&xzBuf)
	xw.Write(plain)
	xw.Close()
	zw, _ := zstd.NewWriter(&zstBuf)
	zw.Write(plain)
	zw.Close()
	for name, b := range map[string][]byte{"tar": plain, "gzip": gzipped(t, plain), "xz": xzBuf.Bytes(), "zstd": zstBuf.Bytes()} {
		r, err := decompress(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: decompress() = %v", name, err)
			continue
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("%s: read %d bytes, %v; want the tar stream back", name, len(got), err)
		}
	}
}
