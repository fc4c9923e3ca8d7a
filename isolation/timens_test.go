package isolation

import "testing"

func TestTimensOffsets(t *testing.T) {
	for _, c := range []struct {
		o    TimeOffsets
		want string
	}{
		{TimeOffsets{}, "monotonic 0 0\nboottime 0 0\n"},
		{TimeOffsets{Monotonic: 3600e9, Boottime: -1}, "monotonic 3600 0\nboottime -1 999999999\n"},
		{TimeOffsets{Monotonic: -1500e6, Boottime: 2500e6}, "monotonic -2 500000000\nboottime 2 500000000\n"},
	} {
		if got := TimensOffsets(&c.o); got != c.want {
			t.Errorf("TimensOffsets(%+v) = %q, want %q", c.o, got, c.want)
		}
	}
}
