package config

import "os"

// Options are the inputs of Load beyond the configuration files.
type Options struct {
	// Vars are NAME=VALUE assignments from the command line (--var), in
	// order; a later one wins. They take precedence over everything else.
	Vars []string
	// VarFiles are files of NAME = VALUE attributes (--var-file), in order;
	// a later one wins. They override *.auto.vars files and defaults.
	VarFiles []string
	// LookupEnv reads the caller's environment, for SANDBOX_VAR_NAME and
	// the env function. Nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// ReadFile reads each configuration and variables file the load
	// consumes; nil means ReadSource, which bounds its size. A caller that must know exactly
	// which bytes were loaded, such as up --watch deciding whether a
	// sandbox wrote them, reads them itself.
	ReadFile func(name string) ([]byte, error)
	// Observe, if set, learns every other file the load reads: each
	// env_file and each file() argument, with the bytes read or why they
	// could not be, so that a caller can tell when a load would read
	// something else. It may be called from several goroutines at once.
	Observe func(name string, data []byte, err error)
}

// EnvVarPrefix is prepended to a variable's name to set it from the
// environment: SANDBOX_VAR_port=8080 sets var.port.
const EnvVarPrefix = "SANDBOX_VAR_"

func (o Options) lookupEnv() func(string) (string, bool) {
	if o.LookupEnv == nil {
		return os.LookupEnv
	}
	return o.LookupEnv
}

func (o Options) readFile() func(string) ([]byte, error) {
	if o.ReadFile == nil {
		return ReadSource
	}
	return o.ReadFile
}

// observed is read, with Observe told what each call returns.
func (o Options) observed(read func(string) ([]byte, error)) func(string) ([]byte, error) {
	if o.Observe == nil {
		return read
	}
	return func(name string) ([]byte, error) {
		b, err := read(name)
		o.Observe(name, b, err)
		return b, err
	}
}
