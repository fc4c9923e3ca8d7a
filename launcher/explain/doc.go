// Package explain answers why a sandbox is the way it is: for a path
// inside it, an attribute, a syscall, a capability or a port, what the
// sandbox has and every decision in the chain that made it so, each with
// the file:line:col where it was made. It reads the configuration and the
// plan, the same plan that runs, and changes neither.
package explain
