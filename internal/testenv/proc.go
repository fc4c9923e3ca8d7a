package testenv

import (
	"os"
	"strconv"
	"strings"
)

// Alive reports whether process pid runs: it exists and is neither a
// zombie nor dead. A process whose parent has not reaped it yet has ended
// as far as a test is concerned.
func Alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(rest, "Z") && !strings.HasPrefix(rest, "X")
}
