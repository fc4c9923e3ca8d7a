package config

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// The shapes of syntax.go replace regular expressions; each must accept
// exactly what its expression accepts, which this checks on edge cases and
// on many random strings over the bytes that matter.
func TestSyntaxMatchesItsExpression(t *testing.T) {
	cases := []struct {
		expr     string
		match    func(string) bool
		alphabet string
		edge     []string
	}{
		{`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`, validName.match, "aZ09_.-/[ ~", []string{"", "a", "-a", ".a", string(make([]byte, 63)), "a" + string(rep('b', 62)), "a" + string(rep('b', 63))}},
		{`^[A-Za-z0-9][A-Za-z0-9_.\-\[\]"]{0,139}$`, asPath.match, "aZ09_.-[]\"/ ~", []string{"job[\"x\"]", "a" + string(rep('b', 139)), "a" + string(rep('b', 140))}},
		{`^[a-z0-9][a-z0-9_-]{0,62}$`, projectName.match, "az09_-A.", []string{"-x", "_x", "x-", "a" + string(rep('b', 62)), "a" + string(rep('b', 63))}},
		{`^[A-Za-z_][A-Za-z0-9_]*$`, envName.match, "aZ_09-=", []string{"_", "0A", "A0"}},
		{`^[0-9a-f]{64}$`, isSHA256, "09afAg", []string{string(rep('a', 63)), string(rep('a', 64)), string(rep('a', 65))}},
		{`^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$`, isUserSpec, "a0_.-:", []string{":", "a:", ":a", "a:b:c", "1000:1000", "a::b"}},
		{`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$`, isHostname, "aZ0-.", []string{".", "a.", ".a", "a..b", "-a", "a-", "a-b.c", string(rep('a', 63)), string(rep('a', 64))}},
		{`^size=[0-9]+[kmgKMG%]?$`, isTmpfsSizeOption, "size=0k%G9x", []string{"size=", "size=%", "size=1%", "size=10m", "size=10mb"}},
		{`^mode=[0-7]{3,4}$`, isTmpfsModeOption, "mode=0178", []string{"mode=755", "mode=0755", "mode=75", "mode=07555", "mode=758"}},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range cases {
		re := regexp.MustCompile(c.expr)
		inputs := append([]string{}, c.edge...)
		for range 20000 {
			inputs = append(inputs, randomString(rng, c.alphabet, 12))
		}
		for _, s := range inputs {
			if got, want := c.match(s), re.MatchString(s); got != want {
				t.Errorf("%s: %q gives %v, the expression %v", c.expr, s, got, want)
			}
		}
	}
}

// sizeParts and durationPart split as the expressions they replace did.
func TestUnitPartsMatchTheirExpressions(t *testing.T) {
	size := regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)\s*([kKmMgGtTpPeE]?)(i?[bB]?)$`)
	dur := regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h|d)`)
	rng := rand.New(rand.NewPCG(3, 4))
	inputs := []string{"", "1", "1.", "1.5", ".5", "1 k", "1\tKiB", "1iB", "1ib", "2mb", "1m30s", "5µs", "1.5h", "3d2", "10ms"}
	for range 50000 {
		inputs = append(inputs, randomString(rng, "0123.45 kKmMgGiIbBnsuµhdx", 8))
	}
	for _, s := range inputs {
		num, power, unit, ok := sizeParts(s)
		if m := size.FindStringSubmatch(s); ok != (m != nil) || ok && (num != m[1] || power != m[2] || unit != m[3]) {
			t.Errorf("sizeParts(%q) = %q %q %q %v, the expression %q", s, num, power, unit, ok, m)
		}
		num, u, rest, ok := durationPart(s)
		if m := dur.FindStringSubmatch(s); ok != (m != nil) || ok && (num != m[1] || u != m[2] || rest != s[len(m[0]):]) {
			t.Errorf("durationPart(%q) = %q %q %q %v, the expression %q", s, num, u, rest, ok, m)
		}
	}
}

func rep(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}

// randomString is up to max characters of alphabet (runes, so that "µ"
// stays whole).
func randomString(rng *rand.Rand, alphabet string, max int) string {
	runes := []rune(alphabet)
	n := rng.IntN(max + 1)
	out := make([]rune, n)
	for i := range out {
		out[i] = runes[rng.IntN(len(runes))]
	}
	return string(out)
}
