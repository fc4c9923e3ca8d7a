package state

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// events is what the fakes below saw happen, in order.
type events []string

// fakeCgroup is a cgroup that only notes its creation and removal.
type fakeCgroup struct {
	cgroups.Cgroup
	ev *events
}

func (f fakeCgroup) Create() ([]string, error) {
	*f.ev = append(*f.ev, "create cgroup")
	return nil, nil
}

func (f fakeCgroup) Remove(context.Context) error {
	*f.ev = append(*f.ev, "remove cgroup")
	return nil
}

// fakeChild notes its discard.
type fakeChild struct{ ev *events }

func (f fakeChild) Discard() error {
	*f.ev = append(*f.ev, "discard child")
	return nil
}

// A spare's child goes before its cgroup, whichever way the spare goes:
// dropped, or released with the claim. A child that fails to start
// leaves the spare without one, and MakeSpare says why.
func TestSpareChildEndsWithSpare(t *testing.T) {
	for _, tc := range []struct {
		name    string
		failed  bool
		release bool
		want    events
	}{
		{"dropped", false, false, events{"create cgroup", "discard child", "remove cgroup"}},
		{"released", false, true, events{"create cgroup", "discard child", "remove cgroup"}},
		{"child failed", true, true, events{"create cgroup", "remove cgroup"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sd := Dir{Root: t.TempDir()}
			c, err := sd.Claim(context.Background(), Record{Name: "web"})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Release()
			var ev events
			start := func(cgroups.Cgroup) (SpareChild, error) {
				if tc.failed {
					return nil, errors.New("no child")
				}
				return fakeChild{&ev}, nil
			}
			err = c.MakeSpare("key", fakeCgroup{ev: &ev}, start)
			if tc.failed != (err != nil) {
				t.Fatalf("MakeSpare() = %v, want an error only when the child failed", err)
			}
			if tc.release {
				c.Release()
			} else if s := c.TakeSpare(); s == nil || s.Child == nil {
				t.Fatalf("TakeSpare() = %+v, want the spare and its child", s)
			} else if err := c.DropSpare(s); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ev, tc.want) {
				t.Errorf("the spare went %q, want %q", ev, tc.want)
			}
		})
	}
}
