package state

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hclsandbox/sandbox/config"
)

// entryName is the sandbox name whose state directory the entry e of the
// state directory is (config.PathName). A name that is its own path name
// is read off the entry; an escaped one (base~key~hash) from the record
// inside, and only when that name maps back to this very entry, so that a
// record can claim no name but its directory's. Other entries, such as
// the network state's network.RootDir, are no sandbox's.
func (d Dir) entryName(e fs.DirEntry) (string, bool) {
	n := e.Name()
	if !e.IsDir() {
		return "", false
	}
	if config.ValidName(n) && config.PathName(n) == n {
		return n, true
	}
	if !strings.Contains(n, "~") {
		return "", false
	}
	b, err := os.ReadFile(filepath.Join(d.Home(), n, recordFile))
	if err != nil {
		return "", false
	}
	var r struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(b, &r) != nil || !config.ValidName(r.Name) || config.PathName(r.Name) != n {
		return "", false
	}
	return r.Name, true
}
