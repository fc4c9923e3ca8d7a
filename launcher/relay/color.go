package relay

import "os"

// WantColor reports whether output to f should be colored: f is a
// terminal and NO_COLOR is unset.
func WantColor(f *os.File) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
