package refdoc

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestSlug(t *testing.T) {
	for heading, want := range map[string]string{
		"Exit codes": "exit-codes",
		"`sandbox.limits` and `batch.limits` blocks": "sandboxlimits-and-batchlimits-blocks",
		"Pins: sandbox.lock.hcl":                     "pins-sandboxlockhcl",
		"Fan-out: count and for_each":                "fan-out-count-and-for_each",
	} {
		if got := Slug(heading); got != want {
			t.Errorf("Slug(%q) = %q, want %q", heading, got, want)
		}
	}
}

const page = "# Title\n\n" +
	"## Usage\n" +
	"Run `sandbox up -d`, see [limits](limits.md#cgroups) and [here](#usage-1).\n\n" +
	"| `mount` attribute | meaning |\n" +
	"| --- | --- |\n" +
	"| `type` | `a\\|b` or [x](x.md) |\n\n" +
	"```hcl fragment\n" +
	"limits {\n  memory = \"1G\" # `not a span`\n}\n" +
	"```\n\n" +
	"## Usage\n"

func TestReadPage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "page.md")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := ReadPage(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"#title", "#usage", "#usage-1"} {
		if !p.Anchors[a] {
			t.Errorf("anchors %v lack %s", p.Anchors, a)
		}
	}
	var spans []string
	for _, s := range p.Spans {
		spans = append(spans, s.Text)
	}
	if want := []string{"sandbox up -d", "mount", "type", "a|b"}; !slices.Equal(spans, want) {
		t.Errorf("spans = %q, want %q", spans, want)
	}
	if s := p.Spans[3]; s.Row == nil || s.Cell != 1 || s.Row.Header[0] != "`mount` attribute" {
		t.Errorf("span %q: row %+v cell %d, want the second cell of a row under `mount` attribute", s.Text, s.Row, s.Cell)
	}
	var links []string
	for _, l := range p.Links {
		links = append(links, l.Target)
	}
	if want := []string{"limits.md#cgroups", "#usage-1", "x.md"}; !slices.Equal(links, want) {
		t.Errorf("links = %q, want %q", links, want)
	}
	if len(p.Blocks) != 1 || p.Blocks[0].Lang() != "hcl" || !p.Blocks[0].HasTag("fragment") || p.Blocks[0].Line != 11 {
		t.Errorf("blocks = %+v, want one hcl fragment from line 11", p.Blocks)
	}
}
