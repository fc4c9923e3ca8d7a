package rootfs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/hclsandbox/sandbox/launcher/mapped"
)

// Operations of the launcher's user namespace stage (package mapped), run
// as root of a namespace that maps the caller's subordinate ranges: an
// unpack there keeps the archive's owners, and a tree of such owners can
// be removed only there.
const (
	opUnpack      = "rootfs-unpack"
	opUnpackLayer = "rootfs-unpack-layer"
	opRemove      = "rootfs-remove"
)

func init() {
	mapped.Register(opUnpack, stageUnpack)
	mapped.Register(opUnpackLayer, stageUnpackLayer)
	mapped.Register(opRemove, stageRemove)
}

// stageUnpackLayer unpacks the image layer in into args[0], with user
// xattrs when args[1] is "user", and writes the DeviceCount as JSON.
func stageUnpackLayer(args []string, in io.Reader, out io.Writer) error {
	if len(args) != 2 {
		return errors.New("unpack layer: want a directory and an xattr form")
	}
	n, err := UnpackLayer(in, args[0], LayerOptions{UserXattr: args[1] == "user"})
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, in); err != nil {
		return fmt.Errorf("read layer: %w", err)
	}
	return json.NewEncoder(out).Encode(n)
}

// unpackLayerMapped unpacks the layer r into dir in a stage under o.IDs.
func unpackLayerMapped(o LayerOptions, r io.Reader, dir string) (DeviceCount, error) {
	form := "trusted"
	if o.UserXattr {
		form = "user"
	}
	return runUnpack(o.IDs, opUnpackLayer, []string{dir, form}, r)
}

// stageUnpack unpacks the tar stream in into args[0] with the devices rule
// args[1], reads what is left of in, and writes the DeviceCount as JSON.
func stageUnpack(args []string, in io.Reader, out io.Writer) error {
	if len(args) != 2 {
		return errors.New("unpack: want a directory and a devices rule")
	}
	n, err := Unpack(in, args[0], args[1])
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, in); err != nil {
		return fmt.Errorf("read archive: %w", err)
	}
	return json.NewEncoder(out).Encode(n)
}

// stageRemove removes the tree args[0].
func stageRemove(args []string, _ io.Reader, _ io.Writer) error {
	if len(args) != 1 {
		return errors.New("remove: want a directory")
	}
	removeTree(args[0])
	if _, err := os.Lstat(args[0]); !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove %s: still there (%v)", args[0], err)
	}
	return nil
}

// unpackMapped unpacks r into dir in a stage under m.
func unpackMapped(m *mapped.Maps, r io.Reader, dir, devices string) (DeviceCount, error) {
	return runUnpack(m, opUnpack, []string{dir, devices}, r)
}

// runUnpack runs the unpack op in a stage under m and reads its count.
func runUnpack(m *mapped.Maps, op string, args []string, r io.Reader) (DeviceCount, error) {
	var n DeviceCount
	var out bytes.Buffer
	if err := mapped.Run(m, op, args, r, &out); err != nil {
		return n, err
	}
	if err := json.Unmarshal(out.Bytes(), &n); err != nil {
		return n, fmt.Errorf("read what the unpack did: %w", err)
	}
	return n, nil
}

// RemoveTree removes the tree dir, first making its directories writable,
// and then, when some of it is left and m is set, in a stage under m: a
// tree of files owned by the caller's subordinate ids, which it cannot
// remove from outside.
func RemoveTree(m *mapped.Maps, dir string) { removeMapped(m, dir) }

// removeMapped removes dir, in a stage under m when the caller cannot
// remove all of it (files owned by its subordinate ids).
func removeMapped(m *mapped.Maps, dir string) {
	removeTree(dir)
	if m == nil {
		return
	}
	if _, err := os.Lstat(dir); err == nil {
		mapped.Run(m, opRemove, []string{dir}, nil, io.Discard)
	}
}
