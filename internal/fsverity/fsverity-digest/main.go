// Command fsverity-digest prints the fs-verity digest of a file in hex,
// as `fsverity digest` does without its "sha256:" prefix. make build uses
// it to embed the digest of the sandbox child.
package main

import (
	"encoding/hex"
	"fmt"
	"os"

	"github.com/hclsandbox/sandbox/internal/fsverity"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fsverity-digest FILE")
		os.Exit(2)
	}
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "fsverity-digest:", err)
		os.Exit(1)
	}
	d := fsverity.Digest(b)
	fmt.Println(hex.EncodeToString(d[:]))
}
