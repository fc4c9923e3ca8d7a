package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Tail writes the last n lines of the sandbox's log in dir to w (every
// line when n < 0), the rotated part first, and returns the offset in
// LogFile up to which it wrote.
func Tail(dir string, n int, w io.Writer) (int64, error) {
	old, err := readLog(filepath.Join(dir, LogFile+".1"))
	if err != nil {
		return 0, err
	}
	cur, err := readLog(filepath.Join(dir, LogFile))
	if err != nil {
		return 0, err
	}
	_, err = w.Write(lastLines(append(old, cur...), n))
	return int64(len(cur)), err
}

// readLog reads a log file; a missing one is empty.
func readLog(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read log %s: %w", path, err)
	}
	return b, nil
}

// lastLines is the last n lines of b, or all of b when n < 0.
func lastLines(b []byte, n int) []byte {
	if n < 0 {
		return b
	}
	end := len(b)
	if end > 0 && b[end-1] == '\n' {
		end--
	}
	for i := 0; i < n; i++ {
		j := bytes.LastIndexByte(b[:end], '\n')
		if j < 0 {
			return b
		}
		end = j
	}
	return b[end+1:]
}

// followRecheck is how long Follow waits without a change in the state
// directory before it asks running again: a supervisor killed outright
// changes no file.
const followRecheck = time.Second

// Follow writes what is appended to the sandbox's log in dir from offset
// on, following rotations, until running reports false and the log has
// been read to its end, or ctx ends. It wakes when the directory changes
// (inotify on Linux), not on a timer.
func Follow(ctx context.Context, dir string, offset int64, w io.Writer, running func() bool) error {
	path := filepath.Join(dir, LogFile)
	changes := watchDir(ctx, dir) // before the first read: no write is missed
	defer changes.Release()
	var last os.FileInfo
	for {
		alive := running()
		info, err := os.Stat(path)
		if err == nil && last != nil && (!os.SameFile(info, last) || info.Size() < offset) {
			offset = 0 // rotated: the new file starts afresh
		}
		if err == nil {
			last = info
		}
		if err == nil && info.Size() > offset {
			n, err := copyFrom(path, offset, w)
			offset += n
			if err != nil {
				return err
			}
		}
		if !alive || ctx.Err() != nil {
			return nil
		}
		changes.Wait(time.Now().Add(followRecheck))
	}
}

// dirWatch wakes its waiter when a directory changes.
type dirWatch interface {
	Wait(deadline time.Time) bool
	Release()
}

// copyFrom copies path from offset to its end into w.
func copyFrom(path string, offset int64, w io.Writer) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("read log %s: %w", path, err)
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return 0, fmt.Errorf("read log %s: %w", path, err)
	}
	return io.Copy(w, f)
}
