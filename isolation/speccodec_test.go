package isolation

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// fill sets every field reachable from v to a value that is not the zero
// value, different from field to field, so that an encoding that drops or
// mixes up a field cannot round-trip.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('a'+*n%26)) + string(rune('A'+*n/26%26)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n) * -3)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n) * 7)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), n)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), n)
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n)
	default:
		panic("fill: unhandled kind " + v.Kind().String() + " at " + v.Type().String())
	}
}

func TestSpecBinaryRoundTrip(t *testing.T) {
	var want Spec
	n := 0
	fill(reflect.ValueOf(&want).Elem(), &n)
	b, err := want.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Spec
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatalf("UnmarshalBinary() = %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip lost something:\ngot  %+v\nwant %+v", got, want)
	}
	var empty Spec
	if b, _ := (&Spec{}).MarshalBinary(); empty.UnmarshalBinary(b) != nil || !reflect.DeepEqual(empty, Spec{}) {
		t.Errorf("the zero spec does not round-trip: %+v", empty)
	}
}

// TestSpecBinaryMalformed feeds every truncation and random corruptions
// of a valid encoding: each is an error or a spec, never a panic, and a
// truncation is always an error.
func TestSpecBinaryMalformed(t *testing.T) {
	var s Spec
	n := 0
	fill(reflect.ValueOf(&s).Elem(), &n)
	b, _ := s.MarshalBinary()
	for i := range len(b) {
		var got Spec
		if got.UnmarshalBinary(b[:i]) == nil {
			t.Fatalf("a truncation to %d of %d bytes decoded", i, len(b))
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		c := append([]byte(nil), b...)
		for range 1 + r.IntN(4) {
			c[len(specMagic)+r.IntN(len(c)-len(specMagic))] = byte(r.Uint32())
		}
		var got Spec
		got.UnmarshalBinary(c)
	}
}
