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
// GOMEMLIMIT in the environment win.
func collectLess() {
	if gcFromEnv() {
		return
	}
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(160 << 20)
}

// collectOften keeps the supervisor of up small: it lives as long as its
// sandboxes, and what it holds for each (plan, record, relay) is small
// and lasting, while a start allocates and drops tens of kilobytes. It
// collects once the heap has grown by a quarter over what is live,
// instead of doubling: with 500 sandboxes at once the peak heap is 4 MB
// smaller, for a few more milliseconds of collection in all. GOGC or
// GOMEMLIMIT in the environment win.
func collectOften() {
	if !gcFromEnv() {
		debug.SetGCPercent(25)
	}
}

func gcFromEnv() bool { return os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" }
