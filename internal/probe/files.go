//go:build linux

package main

import (
	"os"
	"syscall"
)

// FilesReport is what `probe files PATH...` prints: who and where the
// probe runs, and what each path holds. Image tests read it.
type FilesReport struct {
	UID   int             `json:"uid"`
	GID   int             `json:"gid"`
	Cwd   string          `json:"cwd"`
	Env   []string        `json:"env"`
	Files map[string]File `json:"files"`
}

// File is one path of a FilesReport.
type File struct {
	Exists  bool   `json:"exists"`
	Content string `json:"content,omitempty"`
	Inode   uint64 `json:"inode,omitempty"`
}

func files(paths []string) *FilesReport {
	r := &FilesReport{UID: os.Getuid(), GID: os.Getgid(), Env: os.Environ(), Files: map[string]File{}}
	r.Cwd, _ = os.Getwd()
	for _, p := range paths {
		var f File
		if info, err := os.Lstat(p); err == nil {
			f.Exists = true
			if st, ok := info.Sys().(*syscall.Stat_t); ok {
				f.Inode = st.Ino
			}
			if info.Mode().IsRegular() && info.Size() < 4096 {
				b, _ := os.ReadFile(p)
				f.Content = string(b)
			}
		}
		r.Files[p] = f
	}
	return r
}
