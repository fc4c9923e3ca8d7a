// Package seccomp compiles seccomp rules, as an OCI runtime configuration
// states them, into the classic BPF program that the kernel runs on every
// system call of a sandbox.
//
// The rules mean what libseccomp, and so every OCI runtime, makes of them:
// a syscall's rules are OR'd, the argument comparisons of one rule are
// AND'd, each comparison takes all 64 bits of the argument (two 32-bit
// halves in BPF), SCMP_CMP_MASKED_EQ compares arg & mask with the value
// under the same mask, and a rule whose action is the default action is
// left out. An unconditional rule for a syscall decides it whatever its
// conditional rules say. Where libseccomp's meaning depends on the order
// of the rules (two unconditional rules, or conditional rules with
// different actions, for one syscall) or the runtimes disagree (two
// comparisons of one argument in a rule: runc and crun OR them), Compile
// refuses the rules rather than guess.
//
// The program serves the native ABI of one architecture. A call of any
// other ABI the process might use (32-bit x86 on x86-64, say) gets the
// default action, and on x86-64 an x32 call fails with ENOSYS.
//
// Why not a library: golang.org/x/net/bpf has no seccomp, and the compiler
// of github.com/elastic/go-seccomp-bpf (whose syscall tables this package
// uses) keeps only the first conditional rule of a syscall that has
// several: after an argument check fails it goes on comparing the loaded
// argument, not the syscall number, with the numbers of the later rules.
// It also knows EPERM as the only errno and no masked compare with a
// value. The compiler here is small: a syscall's rules become one block
// that ends in a return, so an argument never stands where a syscall
// number is expected.
//
// The package is pure: it makes no syscalls, so plans compile on any
// system. It must never import the launcher or the isolation package.
package seccomp
