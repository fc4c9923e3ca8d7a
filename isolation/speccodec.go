package isolation

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The spec travels to the child in a compact binary form rather than as
// JSON: decoding JSON in a freshly started process is mostly building the
// reflection caches of every type, about a tenth of the child's CPU time
// in a profile of a batch. The form is fields in a fixed order: strings
// and lists as a uvarint length then their items, integers as varints,
// booleans as one byte. Its round-trip test fills every field of Spec by
// reflection, so a field added to Spec and not here fails it.

// specMagic opens an encoded spec and names the form's version.
const specMagic = "SBXSPEC6"

// MarshalBinary encodes the spec for the child.
func (s *Spec) MarshalBinary() ([]byte, error) {
	e := &specEncoder{b: append(make([]byte, 0, 4096), specMagic...)}
	e.str(s.Root.Source)
	e.bool(s.Root.Readonly)
	e.bool(s.Root.Overlay)
	e.strs(s.Root.Lower)
	e.bool(s.Root.UserXattr)
	e.str(s.Root.StateDir)
	e.str(s.Root.Beneath)
	e.str(s.Root.StateBeneath)
	e.strs(s.Root.Flags)
	e.str(s.Root.FuseOverlay)
	e.uint(uint64(len(s.Mounts)))
	for _, m := range s.Mounts {
		e.str(m.Kind)
		e.str(m.Source)
		e.str(m.Target)
		e.str(m.FSType)
		e.strs(m.Flags)
		e.str(m.Data)
		e.bool(m.Optional)
		e.str(m.Beneath)
	}
	e.strs(s.MaskedPaths)
	e.strs(s.ReadonlyPaths)
	e.str(s.Hostname)
	e.strs(s.Capabilities)
	e.str(s.User)
	e.bool(s.NoNewPrivs)
	e.bool(s.Seccomp != nil)
	if s.Seccomp != nil {
		e.str(s.Seccomp.Profile)
		e.int(int64(s.Seccomp.Allowed))
		e.uint(uint64(len(s.Seccomp.Program)))
		for _, f := range s.Seccomp.Program {
			e.b = binary.LittleEndian.AppendUint16(e.b, f.Code)
			e.b = append(e.b, f.Jt, f.Jf)
			e.b = binary.LittleEndian.AppendUint32(e.b, f.K)
		}
	}
	e.str(s.Cwd)
	e.strs(s.Args)
	e.strs(s.Env)
	e.bool(s.UnshareCgroup)
	e.bool(s.BecomeRoot)
	e.int(int64(s.OOMScoreAdj))
	e.uint(uint64(len(s.Rlimits)))
	for _, r := range s.Rlimits {
		e.str(r.Name)
		e.uint(r.Soft)
		e.uint(r.Hard)
	}
	e.bool(s.Init)
	e.bool(s.ExecServer)
	e.bool(s.Loopback)
	e.bool(s.Terminal != nil)
	if s.Terminal != nil {
		e.uint(uint64(s.Terminal.Rows))
		e.uint(uint64(s.Terminal.Cols))
	}
	e.bool(s.TimeOffsets != nil)
	if s.TimeOffsets != nil {
		e.int(s.TimeOffsets.Monotonic)
		e.int(s.TimeOffsets.Boottime)
	}
	return e.b, nil
}

// UnmarshalBinary decodes a spec encoded by MarshalBinary; malformed
// input is an error, never a panic.
func (s *Spec) UnmarshalBinary(data []byte) error {
	if len(data) < len(specMagic) || string(data[:len(specMagic)]) != specMagic {
		return errors.New("not an encoded spec")
	}
	d := &specDecoder{b: data[len(specMagic):]}
	var out Spec
	out.Root.Source = d.str()
	out.Root.Readonly = d.bool()
	out.Root.Overlay = d.bool()
	out.Root.Lower = d.strs()
	out.Root.UserXattr = d.bool()
	out.Root.StateDir = d.str()
	out.Root.Beneath = d.str()
	out.Root.StateBeneath = d.str()
	out.Root.Flags = d.strs()
	out.Root.FuseOverlay = d.str()
	if n := d.count(); n > 0 {
		out.Mounts = make([]Mount, n)
		for i := range out.Mounts {
			m := &out.Mounts[i]
			m.Kind, m.Source, m.Target, m.FSType = d.str(), d.str(), d.str(), d.str()
			m.Flags = d.strs()
			m.Data = d.str()
			m.Optional = d.bool()
			m.Beneath = d.str()
		}
	}
	out.MaskedPaths = d.strs()
	out.ReadonlyPaths = d.strs()
	out.Hostname = d.str()
	out.Capabilities = d.strs()
	out.User = d.str()
	out.NoNewPrivs = d.bool()
	if d.bool() {
		sc := &Seccomp{Profile: d.str(), Allowed: int(d.int())}
		if n := d.count(); n > 0 {
			sc.Program = make(Program, n)
			for i := range sc.Program {
				f := d.take(8)
				if f == nil {
					break
				}
				sc.Program[i] = SockFilter{Code: binary.LittleEndian.Uint16(f), Jt: f[2], Jf: f[3], K: binary.LittleEndian.Uint32(f[4:])}
			}
		}
		out.Seccomp = sc
	}
	out.Cwd = d.str()
	out.Args = d.strs()
	out.Env = d.strs()
	out.UnshareCgroup = d.bool()
	out.BecomeRoot = d.bool()
	out.OOMScoreAdj = int(d.int())
	if n := d.count(); n > 0 {
		out.Rlimits = make([]Rlimit, n)
		for i := range out.Rlimits {
			out.Rlimits[i] = Rlimit{Name: d.str(), Soft: d.uint(), Hard: d.uint()}
		}
	}
	out.Init = d.bool()
	out.ExecServer = d.bool()
	out.Loopback = d.bool()
	if d.bool() {
		out.Terminal = &Winsize{Rows: uint16(d.uint()), Cols: uint16(d.uint())}
	}
	if d.bool() {
		out.TimeOffsets = &TimeOffsets{Monotonic: d.int(), Boottime: d.int()}
	}
	if d.err != nil {
		return fmt.Errorf("decode spec: %w", d.err)
	}
	if len(d.b) > 0 {
		return fmt.Errorf("decode spec: %d bytes left over", len(d.b))
	}
	*s = out
	return nil
}

type specEncoder struct{ b []byte }

func (e *specEncoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *specEncoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *specEncoder) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }

func (e *specEncoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// strs encodes a nil list and an empty one alike, as a count of 0.
func (e *specEncoder) strs(l []string) {
	e.uint(uint64(len(l)))
	for _, s := range l {
		e.str(s)
	}
}

// specDecoder reads what specEncoder wrote. After the first error every
// read returns a zero value and err keeps that error.
type specDecoder struct {
	b   []byte
	err error
}

var errShort = errors.New("truncated")

func (d *specDecoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.b = nil
}

func (d *specDecoder) take(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.b) {
		d.fail(errShort)
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *specDecoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *specDecoder) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a list length, which cannot exceed the bytes left: every
// item takes at least one.
func (d *specDecoder) count() int {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail(errShort)
		return 0
	}
	return int(n)
}

func (d *specDecoder) str() string { return string(d.take(d.count())) }

func (d *specDecoder) bool() bool {
	b := d.take(1)
	if b == nil {
		return false
	}
	if b[0] > 1 {
		d.fail(errors.New("malformed boolean"))
		return false
	}
	return b[0] == 1
}

func (d *specDecoder) strs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}
