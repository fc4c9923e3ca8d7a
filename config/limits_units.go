package config

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"
)

// This file holds the small unit parsers of the limits language. Every size
// suffix is a power of 1024 (k = K = KiB = KB = 1024); durations are
// number-unit pairs such as "1m30s".

var (
	limitSizeText      = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)\s*([kKmMgGtT]?)(i?[bB]?)$`)
	limitDurationPart  = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h|d)`)
	limitSizeShifts    = map[string]uint{"": 0, "k": 10, "m": 20, "g": 30, "t": 40}
	limitDurationUnits = map[string]time.Duration{
		"ns": time.Nanosecond, "us": time.Microsecond, "ms": time.Millisecond,
		"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour,
	}
)

// parseSize parses "4096", "512k", "64MiB", "1G" or "1.5GiB" into bytes.
func parseSize(s string) (uint64, error) {
	m := limitSizeText.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || (m[2] == "" && strings.HasPrefix(m[3], "i")) {
		return 0, fmt.Errorf("%q is not a size", s)
	}
	r, _ := new(big.Rat).SetString(m[1])
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), limitSizeShifts[strings.ToLower(m[2])])))
	if !r.IsInt() {
		return 0, fmt.Errorf("%q is not a whole number of bytes", s)
	}
	if !r.Num().IsUint64() || r.Num().Uint64() > 1<<62 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return r.Num().Uint64(), nil
}

// parseDuration parses number-unit pairs such as "30s", "1m30s" or "250ms".
func parseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("%q is not a duration", s)
	}
	total := new(big.Rat)
	for t != "" {
		m := limitDurationPart.FindStringSubmatch(t)
		if m == nil {
			return 0, fmt.Errorf("%q is not a duration", s)
		}
		r, _ := new(big.Rat).SetString(m[1])
		total.Add(total, r.Mul(r, new(big.Rat).SetInt64(int64(limitDurationUnits[m[2]]))))
		t = t[len(m[0]):]
	}
	ns := new(big.Int).Quo(total.Num(), total.Denom())
	if !ns.IsInt64() {
		return 0, fmt.Errorf("%q is too long", s)
	}
	return time.Duration(ns.Int64()), nil
}
