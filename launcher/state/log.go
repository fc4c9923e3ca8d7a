package state

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// DefaultLogSize is the size at which a detached sandbox's log is rotated:
// LogFile becomes LogFile.1, replacing the previous one, so a sandbox's
// output never takes more than twice this on disk.
const DefaultLogSize = 10 << 20

// LogWriter appends a sandbox's output to LogFile in its state directory
// and rotates it when it would grow past its cap.
type LogWriter struct {
	mu   sync.Mutex
	path string
	f    *os.File
	size int64
	max  int64
}

// OpenLog creates dir's LogFile, empty, with a cap of max bytes.
func OpenLog(dir string, max int64) (*LogWriter, error) {
	w := &LogWriter{path: filepath.Join(dir, LogFile), max: max}
	os.Remove(w.path + ".1")
	if err := w.open(); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *LogWriter) open() error {
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open log %s: %w", w.path, err)
	}
	w.f, w.size = f, 0
	return nil
}

// Immediate marks a LogWriter as one whose Write waits on no other
// sandbox's stream (launcher.ImmediateWriter): the launcher's one relay
// hub may call it.
func (w *LogWriter) Immediate() {}

// Write appends p, first rotating the log when p would take it past its cap.
func (w *LogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.size > 0 && w.size+int64(len(p)) > w.max {
		if err := w.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := w.f.Write(p)
	w.size += int64(n)
	return n, err
}

// rotate renames the log to LogFile.1 and starts a new one.
func (w *LogWriter) rotate() error {
	w.f.Close()
	if err := os.Rename(w.path, w.path+".1"); err != nil {
		return fmt.Errorf("rotate log %s: %w", w.path, err)
	}
	return w.open()
}

// Close closes the log file.
func (w *LogWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.f.Close()
}
