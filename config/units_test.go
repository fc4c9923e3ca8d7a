package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		err  error
	}{
		{"0", 0, nil},
		{"4096", 4096, nil},
		{"64k", 64 << 10, nil},
		{"64K", 64 << 10, nil},
		{"64KB", 64 << 10, nil},
		{"512MiB", 512 << 20, nil},
		{"1G", 1 << 30, nil},
		{"1.5GiB", 3 << 29, nil},
		{" 2 T ", 2 << 40, nil},
		{"2 TB", 2 << 40, nil},
		{"16E", 0, ErrOverflow},
		{"15E", 15 << 60, nil},
		{"18446744073709551616", 0, ErrOverflow},
		{"-1", 0, ErrNegative},
		{"-1G", 0, ErrNegative},
		{"1.5", 0, ErrFraction},
		{"", 0, ErrUnitSyntax},
		{"lots", 0, ErrUnitSyntax},
		{"12Q", 0, ErrUnitSyntax},
		{"12i", 0, ErrUnitSyntax},
		{"1e9", 0, ErrUnitSyntax},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  error
	}{
		{"0", 0, nil},
		{"30s", 30 * time.Second, nil},
		{"1m30s", 90 * time.Second, nil},
		{"1.5h", 90 * time.Minute, nil},
		{"2d", 48 * time.Hour, nil},
		{"250ms", 250 * time.Millisecond, nil},
		{"10us", 10 * time.Microsecond, nil},
		{"-1s", 0, ErrNegative},
		{"30", 0, ErrUnitSyntax},
		{"", 0, ErrUnitSyntax},
		{"1m 30s", 0, ErrUnitSyntax},
		{"soon", 0, ErrUnitSyntax},
		{"3000000h", 0, ErrOverflow},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func parseAttr(t *testing.T, src string) *hcl.Attribute {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "t.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	attrs, _ := f.Body.JustAttributes()
	return attrs["v"]
}

func TestDecodeSize(t *testing.T) {
	tests := []struct {
		src     string
		want    uint64
		summary string
	}{
		{`v = "1G"`, 1 << 30, ""},
		{`v = 4096`, 4096, ""},
		{`v = -4096`, 0, "Negative size"},
		{`v = "1Q"`, 0, "Invalid size"},
		{`v = 1.5`, 0, "Invalid size"},
		{`v = "99E"`, 0, "Value out of range"},
		{`v = ["1G"]`, 0, "Incorrect attribute value type"},
	}
	for _, tt := range tests {
		got, diags := DecodeSize(parseAttr(t, tt.src), nil)
		summary := ""
		if len(diags) > 0 {
			summary = diags[0].Summary
			if diags[0].Subject == nil || diags[0].Subject.Start.Column != 5 {
				t.Errorf("DecodeSize(%s): subject %v, want column 5", tt.src, diags[0].Subject)
			}
		}
		if got != tt.want || summary != tt.summary {
			t.Errorf("DecodeSize(%s) = %d, %q; want %d, %q", tt.src, got, summary, tt.want, tt.summary)
		}
	}
}

func TestDecodeDuration(t *testing.T) {
	tests := []struct {
		src     string
		want    time.Duration
		summary string
	}{
		{`v = "1m30s"`, 90 * time.Second, ""},
		{`v = "-5s"`, 0, "Negative duration"},
		{`v = 30`, 0, "Invalid duration"},
		{`v = true`, 0, "Incorrect attribute value type"},
	}
	for _, tt := range tests {
		got, diags := DecodeDuration(parseAttr(t, tt.src), nil)
		summary := ""
		if len(diags) > 0 {
			summary = diags[0].Summary
		}
		if got != tt.want || summary != tt.summary {
			t.Errorf("DecodeDuration(%s) = %v, %q; want %v, %q", tt.src, got, summary, tt.want, tt.summary)
		}
	}
}

func TestDecodeSizeReference(t *testing.T) {
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"var": cty.ObjectVal(map[string]cty.Value{"memory": cty.StringVal("64MiB")}),
	}}
	got, diags := DecodeSize(parseAttr(t, `v = var.memory`), ctx)
	if got != 64<<20 || diags.HasErrors() {
		t.Errorf("DecodeSize(var.memory) = %d, %v; want %d", got, diags, 64<<20)
	}
	_, diags = DecodeSize(parseAttr(t, `v = var.memroy`), ctx)
	if len(diags) != 1 || diags[0].Summary != "Reference to undeclared input variable" {
		t.Errorf("DecodeSize(var.memroy) diagnostics = %v, want one undeclared reference", diags)
	}
}

// TestFormatSizeRoundTrip: a size FormatSize writes reads back as itself
// when it is whole in its unit, and to one decimal otherwise.
func TestFormatSizeRoundTrip(t *testing.T) {
	for _, c := range []struct {
		n    uint64
		want string
	}{{0, "0B"}, {512, "512B"}, {64 << 20, "64MiB"}, {3<<20 + 200<<10, "3.2MiB"}, {1 << 40, "1TiB"}} {
		got := FormatSize(c.n)
		if got != c.want {
			t.Errorf("FormatSize(%d) = %q, want %q", c.n, got, c.want)
		}
		if back, err := ParseSize(got); !strings.Contains(got, ".") && (err != nil || back != c.n) {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", got, back, err, c.n)
		}
	}
}
