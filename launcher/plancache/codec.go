package plancache

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
)

// maxDepth bounds how deep values nest, so that a cycle of pointers fails
// to encode instead of running forever.
const maxDepth = 64

// errCorrupt is a value whose bytes do not decode.
var errCorrupt = errors.New("corrupt entry")

// encoder appends values in a compact binary form: integers as varints,
// strings and collections length first, a nil pointer, slice or map apart
// from an empty one. It walks the value's type, so that a field added to
// the configuration is stored with no change here. A struct with
// unexported fields is stored by its MarshalBinary (netip.Prefix); what it
// cannot store exactly (interfaces, functions, other unexported fields) it
// refuses: such a configuration is not cached.
type encoder struct {
	buf []byte
}

var (
	marshalerType   = reflect.TypeFor[encoding.BinaryMarshaler]()
	unmarshalerType = reflect.TypeFor[encoding.BinaryUnmarshaler]()
)

// binaryCodec reports whether values of t are stored as their
// MarshalBinary says (netip.Prefix, whose fields are unexported) rather
// than field by field.
func binaryCodec(t reflect.Type) bool {
	return t.Implements(marshalerType) && reflect.PointerTo(t).Implements(unmarshalerType)
}

func (e *encoder) uvarint(u uint64) { e.buf = binary.AppendUvarint(e.buf, u) }

func (e *encoder) varint(i int64) { e.buf = binary.AppendVarint(e.buf, i) }

func (e *encoder) bytes(b []byte) {
	e.uvarint(uint64(len(b)))
	e.buf = append(e.buf, b...)
}

func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// present writes 0 for a nil reference, else 1 plus n (a length).
func (e *encoder) present(isNil bool, n int) {
	if isNil {
		e.uvarint(0)
		return
	}
	e.uvarint(uint64(n) + 1)
}

func (e *encoder) value(v reflect.Value, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%s nests deeper than %d", v.Type(), maxDepth)
	}
	switch v.Kind() {
	case reflect.Bool:
		b := uint64(0)
		if v.Bool() {
			b = 1
		}
		e.uvarint(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.varint(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		e.uvarint(v.Uint())
	case reflect.Float32, reflect.Float64:
		e.uvarint(math.Float64bits(v.Float()))
	case reflect.String:
		e.str(v.String())
	case reflect.Pointer:
		e.present(v.IsNil(), 0)
		if !v.IsNil() {
			return e.value(v.Elem(), depth+1)
		}
	case reflect.Slice:
		e.present(v.IsNil(), v.Len())
		return e.elems(v, depth)
	case reflect.Array:
		return e.elems(v, depth)
	case reflect.Map:
		return e.mapValue(v, depth)
	case reflect.Struct:
		return e.structValue(v, depth)
	default:
		return fmt.Errorf("cannot store a %s (%s)", v.Kind(), v.Type())
	}
	return nil
}

func (e *encoder) elems(v reflect.Value, depth int) error {
	for i := range v.Len() {
		if err := e.value(v.Index(i), depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) mapValue(v reflect.Value, depth int) error {
	e.present(v.IsNil(), v.Len())
	it := v.MapRange()
	for it.Next() {
		if err := e.value(it.Key(), depth+1); err != nil {
			return err
		}
		if err := e.value(it.Value(), depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) structValue(v reflect.Value, depth int) error {
	t := v.Type()
	if binaryCodec(t) {
		b, err := v.Interface().(encoding.BinaryMarshaler).MarshalBinary()
		e.bytes(b)
		return err
	}
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			return fmt.Errorf("cannot store %s: its field %s is unexported", t, t.Field(i).Name)
		}
		if err := e.value(v.Field(i), depth+1); err != nil {
			return err
		}
	}
	return nil
}

// decoder reads what encoder wrote into values of the same types. Every
// length is checked against the bytes left, so corrupt input fails with
// errCorrupt and never allocates more than the input could describe.
type decoder struct {
	buf  []byte
	mins map[reflect.Type]int
}

// minSize is the fewest bytes a value of type t encodes to, which bounds
// how many of them the bytes left can hold.
func (d *decoder) minSize(t reflect.Type) int {
	if n, ok := d.mins[t]; ok {
		return n
	}
	n := 1
	switch t.Kind() {
	case reflect.Array:
		n = t.Len() * d.minSize(t.Elem())
	case reflect.Struct:
		if binaryCodec(t) {
			break // a length
		}
		n = 0
		for i := range t.NumField() {
			n += d.minSize(t.Field(i).Type)
		}
	}
	if d.mins == nil {
		d.mins = map[reflect.Type]int{}
	}
	d.mins[t] = n
	return n
}

func (d *decoder) uvarint() (uint64, error) {
	u, n := binary.Uvarint(d.buf)
	if n <= 0 {
		return 0, errCorrupt
	}
	d.buf = d.buf[n:]
	return u, nil
}

func (d *decoder) varint() (int64, error) {
	i, n := binary.Varint(d.buf)
	if n <= 0 {
		return 0, errCorrupt
	}
	d.buf = d.buf[n:]
	return i, nil
}

// length reads a count of items each at least min bytes long.
func (d *decoder) length(min int) (int, error) {
	u, err := d.uvarint()
	if err != nil || u > uint64(len(d.buf)/max(min, 1)) {
		return 0, errCorrupt
	}
	return int(u), nil
}

func (d *decoder) bytes() ([]byte, error) {
	n, err := d.length(1)
	if err != nil {
		return nil, err
	}
	b := d.buf[:n:n]
	d.buf = d.buf[n:]
	return b, nil
}

func (d *decoder) str() (string, error) {
	b, err := d.bytes()
	return string(b), err
}

// fewItems is a count of items small enough to allocate without asking
// whether the bytes left can hold them.
const fewItems = 16

// present reads what encoder.present wrote: whether the reference is nil,
// and the length that follows, of items at least minSize bytes long
// (asked only of a long one). A length that the bytes left cannot hold is
// corrupt, so that no input allocates much more than its own size.
func (d *decoder) present(minSize func() int) (isNil bool, n int, err error) {
	u, err := d.uvarint()
	switch {
	case err != nil:
		return false, 0, err
	case u == 0:
		return true, 0, nil
	case u-1 > uint64(len(d.buf)):
		return false, 0, errCorrupt
	case u-1 > fewItems && u-1 > uint64(len(d.buf)/max(minSize(), 1)):
		return false, 0, errCorrupt
	}
	return false, int(u - 1), nil
}

func (d *decoder) value(v reflect.Value, depth int) error {
	if depth > maxDepth {
		return errCorrupt
	}
	switch v.Kind() {
	case reflect.Bool:
		u, err := d.uvarint()
		v.SetBool(u != 0)
		return err
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := d.varint()
		if err == nil && v.OverflowInt(i) {
			err = errCorrupt
		}
		v.SetInt(i)
		return err
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u, err := d.uvarint()
		if err == nil && v.OverflowUint(u) {
			err = errCorrupt
		}
		v.SetUint(u)
		return err
	case reflect.Float32, reflect.Float64:
		u, err := d.uvarint()
		v.SetFloat(math.Float64frombits(u))
		return err
	case reflect.String:
		s, err := d.str()
		v.SetString(s)
		return err
	case reflect.Pointer:
		return d.pointer(v, depth)
	case reflect.Slice:
		return d.slice(v, depth)
	case reflect.Array:
		return d.elems(v, depth)
	case reflect.Map:
		return d.mapValue(v, depth)
	case reflect.Struct:
		return d.structValue(v, depth)
	}
	return fmt.Errorf("cannot load a %s", v.Type())
}

func (d *decoder) structValue(v reflect.Value, depth int) error {
	if binaryCodec(v.Type()) {
		b, err := d.bytes()
		if err != nil {
			return errCorrupt
		}
		if v.Addr().Interface().(encoding.BinaryUnmarshaler).UnmarshalBinary(b) != nil {
			return errCorrupt
		}
		return nil
	}
	for i := range v.NumField() {
		if err := d.value(v.Field(i), depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) pointer(v reflect.Value, depth int) error {
	isNil, _, err := d.present(func() int { return 0 })
	if err != nil || isNil {
		return err
	}
	p := reflect.New(v.Type().Elem())
	v.Set(p)
	return d.value(p.Elem(), depth+1)
}

func (d *decoder) slice(v reflect.Value, depth int) error {
	isNil, n, err := d.present(func() int { return d.minSize(v.Type().Elem()) })
	if err != nil || isNil {
		return err
	}
	v.Set(reflect.MakeSlice(v.Type(), n, n))
	return d.elems(v, depth)
}

func (d *decoder) elems(v reflect.Value, depth int) error {
	for i := range v.Len() {
		if err := d.value(v.Index(i), depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) mapValue(v reflect.Value, depth int) error {
	t := v.Type()
	isNil, n, err := d.present(func() int { return d.minSize(t.Key()) + d.minSize(t.Elem()) })
	if err != nil || isNil {
		return err
	}
	m := reflect.MakeMapWithSize(t, n)
	for range n {
		k, e := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		if err := d.value(k, depth+1); err != nil {
			return err
		}
		if err := d.value(e, depth+1); err != nil {
			return err
		}
		m.SetMapIndex(k, e)
	}
	v.Set(m)
	return nil
}

// encode appends v, a pointer to a value, to buf.
func encode(buf []byte, v any) ([]byte, error) {
	e := &encoder{buf: buf}
	err := e.value(reflect.ValueOf(v).Elem(), 0)
	return e.buf, err
}

// valueOf is the value that p points to.
func valueOf(p any) reflect.Value { return reflect.ValueOf(p).Elem() }
