package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func loadSrc(t *testing.T, src string) (*Config, string) {
	t.Helper()
	name := filepath.Join(t.TempDir(), "n.hcl")
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := Load([]string{name})
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, d.Summary+": "+d.Detail)
		if d.Subject == nil {
			t.Errorf("diagnostic %q has no range", d.Summary)
		}
	}
	return cfg, strings.Join(msgs, "\n")
}

func TestNetworkDecode(t *testing.T) {
	tests := []struct {
		name, src, want string // want: "" or a substring of the diagnostics
		check           func(*Config) bool
	}{
		{"default none", `sandbox "a" { command = ["x"] }`, "", func(c *Config) bool {
			a := c.Sandboxes[0]
			return a.Network == NetworkNone && a.HasNamespace("net") && c.Networks["default"].Implicit
		}},
		{"host drops net", `sandbox "a" {
  command = ["x"]
  network = "host"
}`, "", func(c *Config) bool {
			return c.Sandboxes[0].Network == NetworkHost && !c.Sandboxes[0].HasNamespace("net")
		}},
		{"namespaces without net is host", `sandbox "a" {
  command = ["x"]
  namespaces = ["mount"]
}`, "", func(c *Config) bool { return c.Sandboxes[0].Network == NetworkHost }},
		{"named", `network "back" {
  subnet = "10.89.3.0/24"
  outbound = false
}
sandbox "a" {
  command = ["x"]
  network = "back"
  ports = ["8080:80", "127.0.0.1:5432:5432/tcp", "53:53/udp"]
  aliases = ["db"]
  dns = ["10.89.3.1"]
}`, "", func(c *Config) bool {
			a, n := c.Sandboxes[0], c.Networks["back"]
			return a.OnNetwork() && n.Subnet.String() == "10.89.3.0/24" && !n.Outbound && len(a.Ports) == 3 &&
				a.Ports[1].String() == "127.0.0.1:5432:5432/tcp" && a.Ports[2].Proto == "udp" && a.DNS[0].String() == "10.89.3.1"
		}},
		{"default network", `sandbox "a" {
  command = ["x"]
  network = "default"
  ports = ["8080:80"]
}`, "", func(c *Config) bool { return c.Sandboxes[0].OnNetwork() }},
		{"unknown network", `sandbox "a" {
  command = ["x"]
  network = "nope"
}`, "Unknown network", nil},
		{"ports need network", `sandbox "a" {
  command = ["x"]
  ports = ["80:80"]
}`, "Attribute needs a network", nil},
		{"bad port", `sandbox "a" {
  command = ["x"]
  network = "default"
  ports = ["80:0", "1:2:3", "80:80/sctp", "70000:1"]
}`, "Invalid port", nil},
		{"duplicate host port", `sandbox "a" {
  command = ["x"]
  network = "default"
  ports = ["80:80"]
}
sandbox "b" {
  command = ["x"]
  network = "default"
  ports = ["80:81"]
}`, "already published", nil},
		{"bad subnet", `network "n" { subnet = "8.8.8.0/24" }`, "not a private", nil},
		{"short prefix", `network "n" { subnet = "10.0.0.0/8" }`, "prefix length", nil},
		{"overlap", `network "n" { subnet = "10.88.0.0/16" }`, "Overlapping subnets", nil},
		{"reserved name", `network "host" { subnet = "10.90.0.0/24" }`, "Invalid network name", nil},
		{"duplicate network", `network "n" { subnet = "10.90.0.0/24" }
network "n" { subnet = "10.91.0.0/24" }`, "Duplicate network name", nil},
		{"network needs net ns", `sandbox "a" {
  command = ["x"]
  namespaces = ["mount"]
  network = "default"
}`, "needs \"net\"", nil},
		{"bad alias and dns", `sandbox "a" {
  command = ["x"]
  network = "default"
  aliases = ["-x"]
  dns = ["dns.example"]
}`, "Invalid alias: \"-x\" is not a valid host name.\nInvalid DNS server", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := loadSrc(t, tt.src)
			if tt.want == "" && diags != "" {
				t.Fatalf("Load() diagnostics:\n%s", diags)
			}
			if tt.want != "" && !strings.Contains(diags, tt.want) {
				t.Fatalf("Load() diagnostics = %q, want %q", diags, tt.want)
			}
			if tt.check != nil && !tt.check(cfg) {
				t.Errorf("Load() = %+v, unexpected networking", cfg.Sandboxes[0].Networking)
			}
		})
	}
}

func TestParsePort(t *testing.T) {
	for in, want := range map[string]string{
		"8080:80": "8080:80/tcp", "127.0.0.1:5432:5432/tcp": "127.0.0.1:5432:5432/tcp", "53:53/udp": "53:53/udp",
	} {
		p, err := ParsePort(in)
		if err != nil || p.String() != want {
			t.Errorf("ParsePort(%q) = %v, %v, want %s", in, p, err, want)
		}
	}
	for _, in := range []string{"", "80", "a:80", "80:80/icmp", "::1:80:80", "0:80"} {
		if _, err := ParsePort(in); err == nil {
			t.Errorf("ParsePort(%q) succeeded, want an error", in)
		}
	}
}
