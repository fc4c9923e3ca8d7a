package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"golang.org/x/sys/unix"
)

// TestUpRelayExact sends a 1 MiB line and then 1 GB of lines of every
// length from 0 to 199 bytes through up's prefixing relay: after the
// prefix at the start of each line, what comes out is byte for byte what
// the sandbox wrote, with nothing split, joined or dropped.
func TestUpRelayExact(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	total := int64(1 << 30)
	if testing.Short() {
		total = 64 << 20
	}
	fifo := filepath.Join(dir, "in.fifo")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	hcl := writeHCL(t, dir, "relay.hcl", `sandbox "rlx" {
  rootfs  = "./rootfs"
  command = ["/bin/cat", "/in"]
  mount {
    type   = "bind"
    source = "./in.fifo"
    target = "/in"
  }
}

sandbox "rlx-quiet" {
  rootfs  = "./rootfs"
  command = ["/bin/true"]
}
`)
	cmd := exec.Command(bin, "up", hcl)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sent := make(chan []byte, 1)
	go func() { sent <- writeRelayInput(t, fifo, total) }()
	got, lines := readRelayOutput(t, out, "rlx       | ")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("up: %v\n%s", err, stderr.String())
	}
	if want := <-sent; !bytes.Equal(got, want) {
		t.Errorf("after the prefixes, %d lines out differ from what the sandbox wrote (sha256 %x, want %x)", lines, got, want)
	}
	checkNothingLeft(t, "rlx", mounts)
}

// writeRelayInput writes into the fifo a 1 MiB line, then lines of 0 to
// 199 bytes until total bytes, and returns the sha256 of all of it.
func writeRelayInput(t *testing.T, fifo string, total int64) []byte {
	f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Error(err)
		return nil
	}
	defer f.Close()
	h := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	w.Write(bytes.Repeat([]byte{'m'}, 1<<20))
	w.WriteByte('\n')
	line := make([]byte, 0, 256)
	for n, i := int64(1<<20+1), 0; n < total; i++ {
		line = strconv.AppendInt(line[:0], int64(i), 10)
		for len(line) < i%200 {
			line = append(line, byte('a'+len(line)%26))
		}
		line = append(line[:i%200], '\n')
		w.Write(line)
		n += int64(len(line))
	}
	if err := w.Flush(); err != nil {
		t.Error(err)
	}
	return h.Sum(nil)
}

// readRelayOutput reads up's stdout, checks that every line starts with
// prefix, and returns the sha256 of the lines without it.
func readRelayOutput(t *testing.T, r io.Reader, prefix string) (sum []byte, lines int) {
	h := sha256.New()
	br := bufio.NewReaderSize(r, 4<<20)
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			t.Fatalf("a line of up's output is longer than 4 MiB: %.80q", line)
		}
		if len(line) > 0 {
			lines++
			rest, ok := bytes.CutPrefix(line, []byte(prefix))
			if !ok {
				t.Fatalf("line %d does not start with %q: %.80q", lines, prefix, line)
			}
			h.Write(rest)
		}
		if err != nil {
			return h.Sum(nil), lines
		}
	}
}
