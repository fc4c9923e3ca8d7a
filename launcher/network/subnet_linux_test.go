package network

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

// TestPlaceSubnet: the first network takes its own subnet; another
// state root's network with the same subnet takes the next free one of
// the same size; a network keeps the subnet it holds; an entry whose
// network directory is gone is free again, and releasing removes it.
func TestPlaceSubnet(t *testing.T) {
	shared := t.TempDir()
	want := netip.MustParsePrefix("10.88.0.0/24")
	n := &Plan{Network: "back", Subnet: want, Gateway: want.Addr().Next()}
	rec := func(root string) *Record {
		bridge, _ := Names(root, "back")
		return &Record{Dir: filepath.Join(root, RootDir, "back"), Bridge: bridge}
	}
	a, b := rec(t.TempDir()), rec(t.TempDir())
	pa, err := placeSubnet(shared, a, n)
	if err != nil || pa.Subnet != want || a.Subnet != want {
		t.Fatalf("first network: %v, %v; want %s", pa, err, want)
	}
	pb, err := placeSubnet(shared, b, n)
	next := netip.MustParsePrefix("10.88.1.0/24")
	if err != nil || pb.Subnet != next || pb.Gateway != netip.MustParseAddr("10.88.1.1") {
		t.Fatalf("second network: %v, %v; want %s", pb, err, next)
	}
	if again, err := placeSubnet(shared, b, n); err != nil || again.Subnet != next {
		t.Errorf("the second network again: %v, %v; want the %s it holds", again, err, next)
	}
	if err := os.RemoveAll(a.Dir); err != nil {
		t.Fatal(err)
	}
	c := rec(t.TempDir())
	if pc, err := placeSubnet(shared, c, n); err != nil || pc.Subnet != want {
		t.Errorf("after the first network's directory went: %v, %v; want %s again", pc, err, want)
	}
	if err := releaseSubnet(b); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(b.SubnetFile); !os.IsNotExist(err) {
		t.Errorf("released entry %s: %v, want it gone", b.SubnetFile, err)
	}
}

// TestNextSubnetWraps: the search for a free subnet stays in the
// subnet's private block, wrapping to its start.
func TestNextSubnetWraps(t *testing.T) {
	shared := t.TempDir()
	last := netip.MustParsePrefix("192.168.255.0/24")
	n := &Plan{Network: "n", Subnet: last}
	first := &Record{Dir: filepath.Join(t.TempDir(), "n"), Bridge: "sbr-first"}
	if _, err := placeSubnet(shared, first, n); err != nil {
		t.Fatal(err)
	}
	second := &Record{Dir: filepath.Join(t.TempDir(), "n"), Bridge: "sbr-second"}
	p, err := placeSubnet(shared, second, n)
	if want := netip.MustParsePrefix("192.168.0.0/24"); err != nil || p.Subnet != want {
		t.Errorf("next of a taken %s = %v, %v; want %s", last, p, err, want)
	}
}

// TestPlaceSubnetBridgeTaken: a network whose bridge name is another
// live network's (two roots whose names hash alike) is refused rather
// than wired onto the other's bridge.
func TestPlaceSubnetBridgeTaken(t *testing.T) {
	shared := t.TempDir()
	p := netip.MustParsePrefix("10.90.0.0/24")
	n := &Plan{Network: "n", Subnet: p}
	first := &Record{Dir: filepath.Join(t.TempDir(), "n"), Bridge: "sbr-same"}
	if _, err := placeSubnet(shared, first, n); err != nil {
		t.Fatal(err)
	}
	other := &Record{Dir: filepath.Join(t.TempDir(), "n"), Bridge: "sbr-same"}
	if got, err := placeSubnet(shared, other, n); err == nil {
		t.Errorf("a second network on bridge sbr-same = %v, want an error", got)
	}
}
