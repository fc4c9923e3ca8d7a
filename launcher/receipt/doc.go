// Package receipt is the record of one sandbox's run, and the comparison
// that tells whether a run now would be the same.
//
// A receipt is an in-toto Statement (version 1): its subject is the
// sandbox, named, with the digest of its plan; its predicate, of type
// PredicateType, records the digests of the configuration files, the
// variables' values (sensitive ones redacted), the plan's digest, the
// root filesystem's or image's digest, the kernel and cgroup driver, the
// cgroup limits as read back from the cgroup's files after setup, the
// usage, the exit and the times. The layout is written out here as plain
// JSON rather than through the in-toto Go module, whose protobuf runtime
// would grow the binary and every start of it; a test decodes receipts
// with that module to keep the two in step.
//
// Compare lists, one line each, what differs between two receipts'
// inputs: configuration, variable, root digest, kernel fact or limit.
// The package never starts anything.
package receipt
