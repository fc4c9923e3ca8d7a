package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestImageForms(t *testing.T) {
	digest := strings.Repeat("ab", 32)
	cases := []struct {
		value string
		want  ImageSource // Ref relative to the file's directory for paths
	}{
		{"ghcr.io/org/base:1.4", ImageSource{Transport: ImageRegistry, Ref: "ghcr.io/org/base:1.4"}},
		{"debian:12", ImageSource{Transport: ImageRegistry, Ref: "debian:12"}},
		{"docker://alpine", ImageSource{Transport: ImageRegistry, Ref: "alpine"}},
		{"127.0.0.1:5000/app/probe:v1", ImageSource{Transport: ImageRegistry, Ref: "127.0.0.1:5000/app/probe:v1"}},
		{"localhost:5000/x@sha256:" + digest, ImageSource{Transport: ImageRegistry, Ref: "localhost:5000/x@sha256:" + digest}},
		{"oci:./layout", ImageSource{Transport: ImageOCILayout, Ref: "layout"}},
		{"oci:./layout:v2", ImageSource{Transport: ImageOCILayout, Ref: "layout", Name: "v2"}},
		{"docker-archive:/srv/img.tar:app:1.0", ImageSource{Transport: ImageDockerArchive, Ref: "/srv/img.tar", Name: "app:1.0"}},
	}
	for _, c := range cases {
		s, diags := loadImage(t, `image = "`+c.value+`"`)
		if diags != "" {
			t.Errorf("%s: diagnostics %s", c.value, diags)
			continue
		}
		if c.want.Transport != ImageRegistry && !filepath.IsAbs(c.want.Ref) {
			c.want.Ref = filepath.Join(s.Dir, c.want.Ref)
		}
		if s.Image == nil || *s.Image != c.want {
			t.Errorf("image = %q: %+v, want %+v", c.value, s.Image, c.want)
		}
	}
}

func TestImageErrors(t *testing.T) {
	cases := map[string]string{
		`image = "Upper/Case:1"`:               "Invalid image",
		`image = "a b"`:                        "Invalid image",
		`image = "oci:"`:                       "needs a path",
		`image = ""`:                           "Empty value",
		"image = \"alpine\"\nrootfs = \"./r\"": "Image and rootfs",
		"image = \"alpine\"\nrootfs {\n source = \"r\"\n}": "Image and rootfs",
	}
	for body, want := range cases {
		_, diags := loadImage(t, body)
		if !strings.Contains(diags, want) {
			t.Errorf("%s:\n got %q\nwant it to contain %q", body, diags, want)
		}
	}
}

// TestImageCommandOptional: an image gives the command; without one the
// command is required as before.
func TestImageCommandOptional(t *testing.T) {
	if _, diags := loadImage(t, `image = "alpine"`); diags != "" {
		t.Errorf("an image sandbox without command: %s", diags)
	}
	if _, diags := loadImage(t, `hostname = "x"`); !strings.Contains(diags, `The argument "command" is required`) {
		t.Errorf("no image and no command: %q, want the command required", diags)
	}
}

// loadImage loads a sandbox whose body has no command of its own.
func loadImage(t *testing.T, body string) (*Sandbox, string) {
	t.Helper()
	cfg, msgs := loadSrc(t, "sandbox \"s\" {\n"+body+"\n}\n")
	if len(cfg.Sandboxes) != 1 {
		t.Fatalf("Load() = %d sandboxes, want 1 (%v)", len(cfg.Sandboxes), msgs)
	}
	return cfg.Sandboxes[0], msgs
}
