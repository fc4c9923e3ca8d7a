// Package plancache keeps the result of loading a configuration, so that
// `sandbox run` and `sandbox up` skip the HCL (parsing, variables,
// functions, decoding) when nothing the load read has changed. Plans are
// built from the loaded sandboxes on every start, with the host's facts of
// the moment: only the load is cached.
//
// An entry is kept per user, program build and configuration (the paths,
// --var and --var-file flags, working directory): in the state root's
// plancache directory, which safepath checks, in files only the caller
// owns and may write. It records every input the load read: each file with
// its content's digest (configuration and variables files, env_file files,
// file() arguments), each directory listing that decided which files were
// read, and each environment variable looked up (by a digest of its
// value). An entry is used only when all of them are as recorded; a load
// that read something it could not record (a pipe, a failed read), or that
// had any diagnostic, is not stored. Anything wrong with an entry makes a
// miss: the load runs as without the cache.
//
// It must never import cmd/sandbox or launcher/runner.
package plancache
