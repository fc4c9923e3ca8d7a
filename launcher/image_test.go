package launcher

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/image"
)

func imageTestSandbox() *config.Sandbox {
	return &config.Sandbox{Name: "app", File: "/c/app.hcl", Dir: "/c", Namespaces: append([]string(nil), config.Namespaces...),
		Image: &config.ImageSource{Transport: config.ImageRegistry, Ref: "example.org/app:1"}}
}

var testImage = &image.Image{Source: "example.org/app:1", Digest: "sha256:aa", ID: "sha256:cc",
	Layers: []string{"/s/l0", "/s/l1", "/s/l2"},
	Config: image.Config{Entrypoint: []string{"/app"}, Cmd: []string{"serve"}, Env: []string{"PATH=/app/bin", "MODE=image", "KEEP=1"},
		WorkingDir: "/srv", User: "1000:1000", ExposedPorts: []string{"8080/tcp"}}}

// TestImagePlanDefaults: what the sandbox leaves out comes from the
// image, what it sets wins, and the plan names what came from the image.
func TestImagePlanDefaults(t *testing.T) {
	s := imageTestSandbox()
	s.Env = map[string]string{"MODE": "mine"}
	p := NewImagePlan(s, fakeTestHost(), testImage)
	if got := p.Spec.Args; !reflect.DeepEqual(got, []string{"/app", "serve"}) {
		t.Errorf("args = %q, want the image's entrypoint and cmd", got)
	}
	if p.Spec.Cwd != "/srv" || p.Spec.User != "1000:1000" {
		t.Errorf("cwd %q user %q, want the image's /srv and 1000:1000", p.Spec.Cwd, p.Spec.User)
	}
	env := strings.Join(p.Spec.Env, " ")
	for _, want := range []string{"PATH=/app/bin", "MODE=mine", "KEEP=1"} {
		if !strings.Contains(env, want) {
			t.Errorf("env %q lacks %s", env, want)
		}
	}
	want := []string{"command", "workdir", "user", "env.KEEP", "env.PATH"}
	if !reflect.DeepEqual(p.Image.FromImage, want) {
		t.Errorf("from the image: %q, want %q", p.Image.FromImage, want)
	}
	r := p.Spec.Root
	if r.Source != "/s/l2" || !reflect.DeepEqual(r.Lower, []string{"/s/l1", "/s/l0"}) || !r.Overlay || r.Beneath != "" {
		t.Errorf("root %+v: want an overlay of l2 over l1 over l0, trusted whole", r)
	}
	s.Command, s.Workdir, s.Security.User = []string{"/bin/true"}, "/", "0"
	p = NewImagePlan(s, fakeTestHost(), testImage)
	if !reflect.DeepEqual(p.Spec.Args, []string{"/bin/true"}) || p.Spec.Cwd != "/" || p.Spec.User != "0" {
		t.Errorf("the sandbox's own command, workdir and user: %q %q %q", p.Spec.Args, p.Spec.Cwd, p.Spec.User)
	}
}

// TestImagePlanWithoutImage: a plan of an image sandbox the store does
// not hold shows the source and is refused by Start, never run on an
// empty root.
func TestImagePlanWithoutImage(t *testing.T) {
	p := NewPlan(imageTestSandbox(), fakeTestHost())
	if p.Image == nil || p.Image.Source != "example.org/app:1" {
		t.Fatalf("plan image = %+v, want the source", p.Image)
	}
	if err := p.imageReady(); err == nil || !strings.Contains(err.Error(), "not in the store") {
		t.Errorf("imageReady() = %v, want a refusal", err)
	}
	for _, m := range p.Spec.Mounts {
		if m.Source == "/usr" || m.Source == "/bin" {
			t.Errorf("an image sandbox got the host view: %+v", m)
		}
	}
}

func fakeTestHost() *Host { return &Host{FS: osFS{}} }
