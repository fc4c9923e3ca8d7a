package network

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

func TestPastaArgs(t *testing.T) {
	tests := []struct {
		name  string
		ports []config.Port
		want  string
	}{
		{"no ports", nil, "-f -q --config-net --no-map-gw -T none -U none -t none -u none --pid P 42"},
		{"ports", []config.Port{
			{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 8080, SandboxPort: 80, Proto: "tcp"},
			{HostPort: 5353, SandboxPort: 53, Proto: "udp"},
			{HostPort: 2222, SandboxPort: 22, Proto: "tcp"},
		}, "-f -q --config-net --no-map-gw -T none -U none -t 127.0.0.1/8080:80 -t 2222:22 -u 5353:53 --pid P 42"},
	}
	for _, tt := range tests {
		got := strings.Join(PastaArgs(&Plan{Ports: tt.ports}, "P", 42), " ")
		if got != tt.want {
			t.Errorf("%s: PastaArgs() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// A tun device that only root may open is named, with its mode and the
// mode pasta needs; one open to everyone adds nothing.
func TestTunAdvice(t *testing.T) {
	dev := filepath.Join(t.TempDir(), "tun")
	if err := os.WriteFile(dev, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := tunAdvice(dev); !strings.Contains(got, dev+" has mode 0600") || !strings.Contains(got, "0666") {
		t.Errorf("tunAdvice(0600) = %q, want the mode and 0666", got)
	}
	os.Chmod(dev, 0o666)
	if got := tunAdvice(dev); got != "" {
		t.Errorf("tunAdvice(0666) = %q, want nothing", got)
	}
}
