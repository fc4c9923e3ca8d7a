package main

import (
	"time"

	"github.com/hclsandbox/sandbox/config"
)

// retry decides, for a job whose command just ended by itself, whether
// its restart policy starts it again. If so, the job stays active in
// jobStarting until its backoff expires and an again event arrives.
func (b *batch) retry(j *job) bool {
	if b.stopping || j.stopped || !j.ran || j.res == nil || j.err != nil {
		return false
	}
	if time.Since(j.began) >= config.RestartHealthy {
		j.restarts = 0
	}
	if !j.restart.ShouldRestart(j.res.ExitCode, j.restarts) {
		return false
	}
	j.restarts++
	wait := config.Backoff(j.restarts)
	if b.note != nil {
		b.note(j, "exited with %d → restarting in %s (%d)", j.res.ExitCode, wait, j.restarts)
	}
	j.state = jobStarting
	b.active++
	j.retry = time.AfterFunc(wait, func() { b.events <- event{j: j, again: true} })
	return true
}

// again starts a job whose backoff expired, or ends it when the batch is
// stopping meanwhile.
func (b *batch) again(j *job) {
	j.retry = nil
	b.active--
	if b.stopping {
		j.state = jobDone
		b.ended(j)
		return
	}
	b.start(j)
}

// cancelRetries cuts short every backoff once the batch is stopping, so
// that a stop does not wait for it.
func (b *batch) cancelRetries() {
	for _, j := range b.jobs {
		if j.retry != nil && j.retry.Stop() {
			go func() { b.events <- event{j: j, again: true} }()
		}
	}
}
