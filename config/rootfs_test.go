package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRootfsForms(t *testing.T) {
	digest := strings.Repeat("ab", 32)
	cases := []struct {
		body string
		want RootfsOptions
		src  string
	}{
		{`rootfs = "./root"`, RootfsOptions{Mode: RootfsEphemeral, Devices: DevicesSkip}, "root"},
		{"rootfs {\n source = \"r.tar.gz\"\n sha256 = \"" + digest + "\"\n mode = \"readonly\"\n }",
			RootfsOptions{SHA256: digest, Mode: RootfsReadonly, Devices: DevicesSkip}, "r.tar.gz"},
		{"rootfs {\n source = \"/srv/r\"\n mode = \"persistent\"\n state_dir = \"st\"\n }",
			RootfsOptions{Mode: RootfsPersistent, StateDir: "st", Devices: DevicesSkip}, "/srv/r"},
		{"rootfs {\n source = \"r.tar\"\n devices = \"refuse\"\n }",
			RootfsOptions{Mode: RootfsEphemeral, Devices: DevicesRefuse}, "r.tar"},
		{"rootfs {\n source = \"r.tar\"\n devices = \"keep\"\n }",
			RootfsOptions{Mode: RootfsEphemeral, Devices: DevicesKeep}, "r.tar"},
	}
	for _, c := range cases {
		s, diags := loadOne(t, c.body)
		if diags != "" {
			t.Errorf("%s: diagnostics %s", c.body, diags)
			continue
		}
		if c.want.StateDir != "" {
			c.want.StateDir = filepath.Join(s.Dir, c.want.StateDir)
		}
		if !filepath.IsAbs(c.src) {
			c.src = filepath.Join(s.Dir, c.src)
		}
		if s.Rootfs != c.src || !reflect.DeepEqual(s.RootfsOptions, c.want) {
			t.Errorf("%s: rootfs %q %+v, want %q %+v", c.body, s.Rootfs, s.RootfsOptions, c.src, c.want)
		}
	}
}

func TestRootfsErrors(t *testing.T) {
	cases := map[string]string{
		"rootfs {\n source = \"r\"\n mode = \"ephemral\"\n }":                                         `Invalid rootfs mode: "ephemral" is not a rootfs mode. Did you mean "ephemeral"?`,
		"rootfs {\n source = \"r\"\n sha256 = \"abc\"\n }":                                            "Invalid sha256",
		"rootfs {\n source = \"r\"\n devices = \"kept\"\n }":                                          `Invalid devices rule: "kept" is not a rule for the device nodes of a tarball. Did you mean "keep"?`,
		"rootfs {\n source = \"r\"\n mode = \"persistent\"\n }":                                       "Missing state_dir",
		"rootfs {\n source = \"r\"\n state_dir = \"s\"\n }":                                           "Unexpected state_dir",
		"rootfs = \"a\"\nrootfs {\n source = \"r\"\n }":                                               "Duplicate rootfs",
		"rootfs {\n mode = \"readonly\"\n }":                                                          "Missing required argument",
		"mount {\n type = \"bind\"\n source = \"/x\"\n target = \"/proc/sys\"\n }":                    "Mount on a kernel filesystem",
		"mount {\n type = \"tmpfs\"\n target = \"/sys\"\n }":                                          "Mount on a kernel filesystem",
		"mount {\n type = \"tmpfs\"\n target = \"data\"\n }":                                          "Invalid mount target",
		"mount {\n type = \"bind\"\n target = \"/data\"\n }":                                          "Missing source",
		"mount {\n type = \"tmpfs\"\n source = \"/x\"\n target = \"/d\"\n }":                          "Unexpected source",
		"mount {\n type = \"blind\"\n source = \"/x\"\n target = \"/d\"\n }":                          `Did you mean "bind"?`,
		"mount {\n type = \"bind\"\n source = \"/x\"\n target = \"/d\"\n options = [\"size=1m\"]\n }": "applies to tmpfs",
		"mount {\n type = \"tmpfs\"\n target = \"/d\"\n options = [\"exec\"]\n }":                     `"exec" is not a mount option`,
	}
	for body, want := range cases {
		_, diags := loadOne(t, body)
		if !strings.Contains(diags, want) {
			t.Errorf("%s:\n got %q\nwant it to contain %q", body, diags, want)
		}
	}
}

func TestMountDecode(t *testing.T) {
	s, diags := loadOne(t, `
  mount {
    type     = "bind"
    source   = "./data"
    target   = "/data/"
    readonly = true
    optional = true
    options  = ["nosuid", "nodev"]
  }
  mount {
    type    = "tmpfs"
    target  = "/scratch"
    options = ["size=16m", "mode=1777", "noexec"]
  }`)
	if diags != "" {
		t.Fatalf("diagnostics: %s", diags)
	}
	if len(s.Mounts) != 2 {
		t.Fatalf("mounts = %+v, want 2", s.Mounts)
	}
	m := s.Mounts[0]
	if m.Type != "bind" || m.Source != filepath.Join(s.Dir, "data") || m.Target != "/data" || !m.Readonly || !m.Optional {
		t.Errorf("bind = %+v", m)
	}
	if m := s.Mounts[1]; m.Type != "tmpfs" || m.Source != "" || len(m.Options) != 3 {
		t.Errorf("tmpfs = %+v", m)
	}
}

// FuzzRootfsAndMounts loads arbitrary rootfs and mount bodies: whatever the
// input, Load reports diagnostics and never panics.
func FuzzRootfsAndMounts(f *testing.F) {
	f.Add("rootfs {\n source = \"r\"\n mode = \"persistent\"\n state_dir = \"s\"\n}")
	f.Add("rootfs = \"./r.tar.zst\"\nrootfs {\n sha256 = 1\n}")
	f.Add("mount {\n type = \"tmpfs\"\n target = \"/proc/../x\"\n options = [\"size=1m\", null]\n}")
	f.Add("mount {\n type = [\"bind\"]\n source = {}\n target = \"/a\"\n readonly = \"yes\"\n}")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, body string) {
		name := filepath.Join(dir, "f.hcl")
		src := "sandbox \"s\" {\n  command = [\"/bin/true\"]\n" + body + "\n}\n"
		if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		Load([]string{name})
	})
}

// TestRootfsHostRootSpellings: every way of writing the host's / in a
// configuration is refused without looking at the host; a symlink to it
// is for the launcher to find (launcher.Validate).
func TestRootfsHostRootSpellings(t *testing.T) {
	for _, c := range []struct{ file, rootfs string }{
		{"/srv/app/main.hcl", "/"}, {"/srv/app/main.hcl", "/.."}, {"/srv/app/main.hcl", "/./"},
		{"/srv/app/main.hcl", "//"}, {"/srv/app/main.hcl", "/srv/../.."}, {"/main.hcl", "."},
		{"/main.hcl", "./"}, {"/srv/main.hcl", ".."},
	} {
		src := "sandbox \"s\" {\n  command = [\"/bin/true\"]\n  rootfs = \"" + c.rootfs + "\"\n}\n"
		_, diags := loadSource(c.file, []byte(src), Options{})
		if !strings.Contains(diags.Error(), "Host root as rootfs") {
			t.Errorf("rootfs %q in %s: %v, want it refused as the host root", c.rootfs, c.file, diags)
		}
	}
}
