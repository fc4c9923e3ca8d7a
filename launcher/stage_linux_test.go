package launcher

import (
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// A sandbox's map in host ids becomes the same map in the holder's ids;
// ids the holder does not map are refused with the fix.
func TestTranslateIDs(t *testing.T) {
	holder := []config.IDMap{{Inside: 0, Outside: 1000, Count: 1}, {Inside: 1, Outside: 200000, Count: 65536}}
	got, err := translateIDs("uid_map", holder, []config.IDMap{{Inside: 0, Outside: 1000, Count: 1}, {Inside: 1, Outside: 200000, Count: 65536}})
	want := []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: 1, HostID: 1, Size: 65536}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("translate the holder's own map = %v, %v; want %v", got, err, want)
	}
	got, err = translateIDs("uid_map", holder, []config.IDMap{{Inside: 0, Outside: 200010, Count: 5}})
	want = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 11, Size: 5}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("translate a part of a range = %v, %v; want %v", got, err, want)
	}
	_, err = translateIDs("uid_map", holder, []config.IDMap{{Inside: 0, Outside: 265530, Count: 10}})
	if err == nil || !strings.Contains(err.Error(), "265530-265539") || !strings.Contains(err.Error(), "stop the network's sandboxes") {
		t.Errorf("translate ids past the holder's range: %v, want a refusal with the fix", err)
	}
}
