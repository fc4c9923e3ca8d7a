package config

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Errors that ParseSize and ParseDuration wrap, for errors.Is.
var (
	// ErrUnitSyntax means the text is not a size or duration at all.
	ErrUnitSyntax = errors.New("invalid syntax")
	// ErrNegative means the value is below zero.
	ErrNegative = errors.New("negative value")
	// ErrOverflow means the value is too large to represent.
	ErrOverflow = errors.New("value out of range")
	// ErrFraction means a size is not a whole number of bytes.
	ErrFraction = errors.New("not a whole number of bytes")
)

// sizeShift gives the power of 1024 of each size suffix.
var sizeShift = map[string]uint{"": 0, "k": 10, "m": 20, "g": 30, "t": 40, "p": 50, "e": 60}

// ParseSize parses a size in bytes: a plain number ("4096") or a number with
// a binary suffix ("64k", "512MiB", "1G", "1.5GiB"). Every suffix is a power
// of 1024: k = KiB = KB = 1024. A lone "i" without a prefix is an error.
func ParseSize(s string) (uint64, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("size %q: %w", s, ErrNegative)
	}
	num, power, unit, ok := sizeParts(t)
	if !ok || (power == "" && strings.HasPrefix(unit, "i")) {
		return 0, fmt.Errorf("size %q: %w", s, ErrUnitSyntax)
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return 0, fmt.Errorf("size %q: %w", s, ErrUnitSyntax)
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), sizeShift[strings.ToLower(power)])))
	if !r.IsInt() {
		return 0, fmt.Errorf("size %q: %w", s, ErrFraction)
	}
	if !r.Num().IsUint64() {
		return 0, fmt.Errorf("size %q: %w", s, ErrOverflow)
	}
	return r.Num().Uint64(), nil
}

// durationUnit gives the length of each duration unit.
var durationUnit = map[string]time.Duration{
	"ns": time.Nanosecond, "us": time.Microsecond, "µs": time.Microsecond,
	"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour,
}

// ParseDuration parses a non-negative duration written as number-unit
// pairs: "30s", "1m30s", "1.5h", "2d", "250ms". Units are ns, us (µs), ms,
// s, m, h and d (24 hours). "0" alone is zero.
func ParseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(t, "-"):
		return 0, fmt.Errorf("duration %q: %w", s, ErrNegative)
	case t == "0":
		return 0, nil
	case t == "":
		return 0, fmt.Errorf("duration %q: %w", s, ErrUnitSyntax)
	}
	total := new(big.Rat)
	for t != "" {
		num, unit, rest, ok := durationPart(t)
		if !ok {
			return 0, fmt.Errorf("duration %q: %w", s, ErrUnitSyntax)
		}
		r, _ := new(big.Rat).SetString(num)
		total.Add(total, r.Mul(r, new(big.Rat).SetInt64(int64(durationUnit[unit]))))
		t = rest
	}
	ns := new(big.Int).Quo(total.Num(), total.Denom())
	if !ns.IsInt64() {
		return 0, fmt.Errorf("duration %q: %w", s, ErrOverflow)
	}
	return time.Duration(ns.Int64()), nil
}

// DecodeSize evaluates an attribute as a size: a string for ParseSize or a
// whole, non-negative number of bytes. Problems are diagnostics at the
// attribute's value.
func DecodeSize(a *hcl.Attribute, ctx *hcl.EvalContext) (uint64, hcl.Diagnostics) {
	v, diags := unitValue(a, ctx, "size", `"512MiB"`)
	if diags.HasErrors() || v.IsNull() {
		return 0, diags
	}
	text := v.AsString()
	n, err := ParseSize(text)
	if err != nil {
		return 0, unitDiag(a, "size", err, sizeHelp)
	}
	return n, nil
}

// DecodeDuration evaluates an attribute as a duration string for
// ParseDuration. Problems are diagnostics at the attribute's value.
func DecodeDuration(a *hcl.Attribute, ctx *hcl.EvalContext) (time.Duration, hcl.Diagnostics) {
	v, diags := unitValue(a, ctx, "duration", `"30s"`)
	if diags.HasErrors() || v.IsNull() {
		return 0, diags
	}
	d, err := ParseDuration(v.AsString())
	if err != nil {
		return 0, unitDiag(a, "duration", err, durationHelp)
	}
	return d, nil
}

const (
	sizeHelp     = `Write a size as a number of bytes (4096) or with a binary suffix: "64k", "512MiB", "1G", "2TiB".`
	durationHelp = `Write a duration as number-unit pairs, such as "30s", "1m30s", "250ms" or "2h"; units are ns, us, ms, s, m, h and d.`
)

// unitValue evaluates a unit attribute to a known string (numbers become
// their decimal text) or null.
func unitValue(a *hcl.Attribute, ctx *hcl.EvalContext, what, example string) (cty.Value, hcl.Diagnostics) {
	v, diags := evalChecked(a.Expr, ctx)
	if diags.HasErrors() || v.IsNull() {
		return cty.NullVal(cty.String), diags
	}
	if !v.IsWhollyKnown() {
		return cty.NullVal(cty.String), nil // an earlier error made it unknown
	}
	switch v.Type() {
	case cty.String:
		return v, nil
	case cty.Number:
		return cty.StringVal(v.AsBigFloat().Text('f', -1)), nil
	}
	return cty.NilVal, invalid(a, "Incorrect attribute value type",
		"Inappropriate value for attribute %q: a %s such as %s required, got %s.", a.Name, what, example, v.Type().FriendlyName())
}

// unitDiag turns a ParseSize or ParseDuration error into a diagnostic.
func unitDiag(a *hcl.Attribute, what string, err error, help string) hcl.Diagnostics {
	switch {
	case errors.Is(err, ErrNegative):
		return invalid(a, "Negative "+what, "The value of %q may not be negative.", a.Name)
	case errors.Is(err, ErrOverflow):
		return invalid(a, "Value out of range", "The %s of %q is too large.", what, a.Name)
	case errors.Is(err, ErrFraction):
		return invalid(a, "Invalid size", "The size of %q is not a whole number of bytes.", a.Name)
	}
	return invalid(a, "Invalid "+what, "The value of %q is not a %s. %s", a.Name, what, help)
}

// FormatSize writes a byte count the way the limits language reads it (ParseSize):
// exactly in the largest binary unit that divides it ("64MiB"), otherwise
// to one decimal ("3.2MiB").
func FormatSize(n uint64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for i < len(units)-1 && n >= 1<<(10*(i+1)) {
		i++
	}
	if n%(1<<(10*i)) == 0 {
		return fmt.Sprintf("%d%s", n>>(10*i), units[i])
	}
	return fmt.Sprintf("%.1f%s", float64(n)/float64(uint64(1)<<(10*i)), units[i])
}
