package receipt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ita "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// sample is a receipt as a run writes it.
func sample() *Receipt {
	return &Receipt{
		Sandbox: "web", Command: "up",
		Config:     []File{{Path: "/src/web.hcl", SHA256: strings.Repeat("a", 64)}},
		Variables:  []Variable{{Name: "port", Value: "8080"}, {Name: "token", Value: Redacted, Sensitive: true}},
		PlanDigest: "sha256:" + strings.Repeat("b", 64),
		Root:       Root{Kind: "rootfs", Source: "/src/rootfs", Digest: strings.Repeat("c", 64)},
		Host:       Host{Kernel: "6.1.0", Arch: "amd64", CgroupDriver: "v2"},
		Limits:     []Limit{{Limit: "limits.memory", File: "memory.max", Requested: "67108864", ReadBack: "67108864"}},
		Usage:      &Usage{PeakMemory: 1 << 20, CPU: 0.01},
		Exit:       &Exit{Result: "exited 0"},
		Started:    time.Unix(1700000000, 0).UTC(), Finished: time.Unix(1700000001, 0).UTC(),
	}
}

// TestInTotoStatement decodes a written receipt with the in-toto
// attestation module and validates it as a Statement, so that the
// layout written by hand stays the one in-toto tools read.
func TestInTotoStatement(t *testing.T) {
	path := filepath.Join(t.TempDir(), "web.json")
	if err := sample().Write(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st ita.Statement
	if err := protojson.Unmarshal(b, &st); err != nil {
		t.Fatalf("in-toto cannot decode the receipt: %v", err)
	}
	if err := st.Validate(); err != nil {
		t.Fatalf("in-toto rejects the receipt: %v", err)
	}
	if st.GetPredicateType() != PredicateType || st.GetSubject()[0].GetName() != "web" ||
		st.GetSubject()[0].GetDigest()["sha256"] != strings.Repeat("b", 64) {
		t.Errorf("statement = %v", &st)
	}
	if got := st.GetPredicate().GetFields()["plan_digest"].GetStringValue(); got != "sha256:"+strings.Repeat("b", 64) {
		t.Errorf("predicate plan_digest = %q", got)
	}
	r, err := Read(path)
	if err != nil || r.Sandbox != "web" || r.Limits[0].ReadBack != "67108864" {
		t.Fatalf("Read = %+v, %v", r, err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("receipt mode %v, want 0600", info.Mode().Perm())
	}
}

// TestReadRefusesOthers refuses a JSON file that is not a receipt.
func TestReadRefusesOthers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.json")
	os.WriteFile(path, []byte(`{"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/provenance/v1", "predicate": {}}`), 0o600)
	if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "not a sandbox receipt") {
		t.Errorf("Read = %v, want a refusal", err)
	}
}

// TestCompare names each kind of difference on a line of its own, and
// nothing for the same inputs (usage, exit and read-back values aside).
func TestCompare(t *testing.T) {
	was := sample()
	same := sample()
	same.Usage, same.Exit, same.Limits[0].ReadBack = nil, nil, ""
	if d := Compare(was, same); len(d) != 0 {
		t.Errorf("Compare(same inputs) = %q, want nothing", d)
	}
	now := sample()
	now.Config[0].SHA256 = strings.Repeat("d", 64)
	now.Variables[0].Value = "9090"
	now.Root.Digest = strings.Repeat("e", 64)
	now.Host.Kernel = "6.2.0"
	now.Host.CgroupDriver = "v1"
	now.Limits[0].Requested = "33554432"
	now.PlanDigest = "sha256:" + strings.Repeat("f", 64)
	want := []string{
		"configuration /src/web.hcl: sha256 aaaaaaaaaaaa → dddddddddddd",
		"variable port: 8080 → 9090",
		"rootfs /src/rootfs: digest cccccccccccc → eeeeeeeeeeee",
		"kernel: 6.1.0 → 6.2.0",
		"cgroup driver: v2 → v1",
		"limit limits.memory (memory.max): 67108864 → 33554432",
		"plan: sha256:bbbbbbbbbbbb → sha256:ffffffffffff",
	}
	got := Compare(was, now)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Compare =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
