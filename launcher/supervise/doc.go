// Package supervise is the one scheduler of the launcher: `run`, `up`,
// `up -d` and `up --watch` all hand their sandboxes to a Scheduler.
//
// It owns, once for all of them:
//   - dependency readiness: a sandbox starts when each depends_on target
//     has started ("started"), exited 0 ("completed") or passed its health
//     check ("healthy"), and is skipped when one never will;
//   - health checks: while a run of a sandbox with a health block lasts,
//     Options.Check runs its check every interval, and the unit goes from
//     starting to healthy or unhealthy (docker's states);
//   - the restart policy: ShouldRestart, Backoff and Healthy decide
//     whether and when a command that ended by itself runs again;
//   - stop escalation: a stop sends the plan's stop signal, then SIGKILL
//     after its stop timeout;
//   - the launcher's own signals (Escalation): the first SIGINT or SIGTERM
//     stops every sandbox, a second one kills what still runs, and two
//     that arrive within Coalesce of each other count once; any other
//     signal is passed on;
//   - the parallelism budget (--parallel) and --fail-fast.
//
// Starting a sandbox (claim, stdio, launcher.Start) is the caller's
// Start function; rendering is the caller's Hooks. `up --watch` feeds
// reload and file events in through Post, Add, Update, Remove, Relaunch.
//
// It must never import cmd/sandbox, cobra, or the HCL packages: it reads
// a config.Sandbox's depends_on and restart values, but never parses one.
package supervise
