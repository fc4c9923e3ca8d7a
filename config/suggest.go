package config

import "github.com/agext/levenshtein"

// Suggest returns the candidate closest to s when it is close enough to be a
// likely typo, or "".
func Suggest(s string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := levenshtein.Distance(s, c, nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// didYouMean returns " Did you mean "x"?" for a likely typo, or "".
func didYouMean(s string, candidates []string) string {
	if best := Suggest(s, candidates); best != "" {
		return ` Did you mean "` + best + `"?`
	}
	return ""
}
