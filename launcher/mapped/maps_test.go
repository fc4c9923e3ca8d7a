package mapped

import (
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// Trees made under different maps get different names: a changed range
// start, count, or gid map alone changes the key.
func TestMapsKey(t *testing.T) {
	base := func() *Maps {
		return &Maps{
			UID: []config.IDMap{{Inside: 0, Outside: 1000, Count: 1}, {Inside: 1, Outside: 100000, Count: 65536}},
			GID: []config.IDMap{{Inside: 0, Outside: 1000, Count: 1}, {Inside: 1, Outside: 100000, Count: 65536}},
		}
	}
	seen := map[string]string{base().Key(): "base"}
	for name, change := range map[string]func(*Maps){
		"uid start": func(m *Maps) { m.UID[1].Outside = 200000 },
		"uid count": func(m *Maps) { m.UID[1].Count = 65535 },
		"gid alone": func(m *Maps) { m.GID[1].Outside = 300000 },
		"own only":  func(m *Maps) { m.UID, m.GID = m.UID[:1], m.GID[:1] },
	} {
		m := base()
		change(m)
		if other, ok := seen[m.Key()]; ok {
			t.Errorf("%s: key %s is the key of %s", name, m.Key(), other)
		}
		seen[m.Key()] = name
	}
	a, b := base(), base()
	if a.Key() != b.Key() {
		t.Errorf("the same maps got two keys, %s and %s", a.Key(), b.Key())
	}
}
