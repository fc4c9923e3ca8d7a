package rootfs

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// The progress line names the tarball, starts at 0%, ends at 100% with
// the size, and is ended by a newline; what is read passes unchanged.
func TestProgressReader(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 3<<20)
	var line bytes.Buffer
	p := newProgressReader(bytes.NewReader(data), &line, "root.tar.gz", int64(len(data)))
	got, err := io.ReadAll(p)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, %v; want the %d written", len(got), err, len(data))
	}
	p.finish()
	out := line.String()
	draws := strings.Split(strings.TrimSuffix(out, "\n"), "\r")[1:]
	if len(draws) < 2 || !strings.HasSuffix(out, "\n") {
		t.Fatalf("progress %q: want redrawn lines ended by a newline", out)
	}
	if first := draws[0]; first != "unpacking root.tar.gz    0% (0.0 of 3.0 MiB)" {
		t.Errorf("first line %q", first)
	}
	if last := draws[len(draws)-1]; last != "unpacking root.tar.gz  100% (3.0 of 3.0 MiB)" {
		t.Errorf("last line %q", last)
	}
}
