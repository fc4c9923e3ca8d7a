package main

import (
	"os"
	"runtime/debug"
)

// collectLess makes the garbage collector run less for a command that
// loads a configuration, answers and exits (validate, plan): it lets the
// heap grow to five times what is live before collecting, as long as the
// whole stays under 160 MiB, where it collects as often as it must. On
// 10,000 sandbox blocks that halves the time spent collecting. GOGC or
// GOMEMLIMIT in the environment win. The supervisor of up keeps Go's
// defaults: it lives long and must stay small.
func collectLess() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(160 << 20)
}
