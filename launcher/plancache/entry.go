package plancache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
)

// magic begins every entry; a new layout of entries changes it.
const magic = "sandbox plan cache 1\n"

// maxEntry bounds an entry, read or written.
const maxEntry = 64 << 20

// query is what names an entry: who loads which configuration, with
// which flags, from where, with which program.
type query struct {
	Build          []byte
	UID, GID       int
	Dir            string
	Paths          []string
	Vars, VarFiles []string
}

// newQuery is the query of a load of paths with opts by this process.
func (c *Cache) newQuery(paths []string, opts config.Options) ([]byte, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	q := query{Build: c.Build, UID: os.Geteuid(), GID: os.Getegid(), Dir: wd, Paths: paths, Vars: opts.Vars, VarFiles: opts.VarFiles}
	return encode([]byte(magic), &q)
}

// entryName is the file name of the entry of query q.
func entryName(q []byte) string {
	sum := sha256.Sum256(q)
	return hex.EncodeToString(sum[:16])
}

// cached is the configuration as stored: without its parsed files, which
// a hit reads again, nor the origins of values, which only explain reads.
func cached(cfg *config.Config) *config.Config {
	c := *cfg
	c.Files, c.Origins = nil, config.Origins{}
	return &c
}

// marshal is an entry: magic, the sha256 of the rest, then the query, the
// inputs and the configuration.
func marshal(q []byte, in *inputs, cfg *config.Config) ([]byte, error) {
	e := &encoder{buf: make([]byte, 0, 4096)}
	e.bytes(q)
	if err := e.value(valueOf(in), 0); err != nil {
		return nil, err
	}
	if err := e.value(valueOf(cached(cfg)), 0); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(e.buf)
	out := append(append([]byte(magic), sum[:]...), e.buf...)
	if len(out) > maxEntry {
		return nil, errCorrupt
	}
	return out, nil
}

// unmarshal is the configuration of entry b for query q, provided that
// every input is as recorded; lookup reads the environment.
func unmarshal(b, q []byte, lookup func(string) (string, bool)) (cfg *config.Config, err error) {
	defer func() {
		if recover() != nil {
			cfg, err = nil, errCorrupt
		}
	}()
	body, ok := bytes.CutPrefix(b, []byte(magic))
	if !ok || len(body) < sha256.Size || sha256.Sum256(body[sha256.Size:]) != [sha256.Size]byte(body[:sha256.Size]) {
		return nil, errCorrupt
	}
	d := &decoder{buf: body[sha256.Size:]}
	if stored, err := d.bytes(); err != nil || !bytes.Equal(stored, q) {
		return nil, errStale
	}
	var in inputs
	if err := d.value(valueOf(&in), 0); err != nil {
		return nil, err
	}
	files, ok := in.check(lookup)
	if !ok {
		return nil, errStale
	}
	cfg = &config.Config{}
	if err := d.value(valueOf(cfg), 0); err != nil || len(d.buf) != 0 {
		return nil, errCorrupt
	}
	cfg.Files = make(map[string]*hcl.File, len(files))
	for name, src := range files {
		cfg.Files[name] = &hcl.File{Bytes: src}
	}
	return cfg, nil
}
