package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// stdFunctions returns the curated part of cty's standard library, by the
// names Terraform users know. It is built on each call, only while loading:
// nothing in the sandbox child's path pays for it.
func stdFunctions() map[string]function.Function {
	return map[string]function.Function{
		// numeric
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc,
		"log": stdlib.LogFunc, "max": stdlib.MaxFunc, "min": stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc, "signum": stdlib.SignumFunc,
		// string
		"chomp": stdlib.ChompFunc, "format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc,
		"indent": stdlib.IndentFunc, "join": stdlib.JoinFunc, "lower": stdlib.LowerFunc,
		"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc, "replace": stdlib.ReplaceFunc,
		"regex_replace": stdlib.RegexReplaceFunc, "split": stdlib.SplitFunc, "strrev": stdlib.ReverseFunc,
		"substr": stdlib.SubstrFunc, "title": stdlib.TitleFunc, "trim": stdlib.TrimFunc,
		"trimprefix": stdlib.TrimPrefixFunc, "trimsuffix": stdlib.TrimSuffixFunc,
		"trimspace": stdlib.TrimSpaceFunc, "upper": stdlib.UpperFunc,
		// collection
		"chunklist": stdlib.ChunklistFunc, "coalesce": coalesceFunc(),
		"coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc,
		"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc, "distinct": stdlib.DistinctFunc,
		"element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc, "keys": stdlib.KeysFunc,
		"length": stdlib.LengthFunc, "lookup": stdlib.LookupFunc, "merge": stdlib.MergeFunc,
		"range": stdlib.RangeFunc, "reverse": stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc, "setproduct": stdlib.SetProductFunc,
		"setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc,
		"slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "values": stdlib.ValuesFunc,
		"zipmap": stdlib.ZipmapFunc,
		// encoding
		"jsonencode": stdlib.JSONEncodeFunc, "jsondecode": stdlib.JSONDecodeFunc,
		"csvdecode": stdlib.CSVDecodeFunc, "base64encode": base64EncodeFunc(),
		"base64decode": base64DecodeFunc(),
		// type conversion
		"tostring": stdlib.MakeToFunc(cty.String), "tonumber": stdlib.MakeToFunc(cty.Number),
		"tobool": stdlib.MakeToFunc(cty.Bool), "tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap": stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		// date and time
		"formatdate": stdlib.FormatDateFunc, "timeadd": stdlib.TimeAddFunc,
		// errors
		"try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
	}
}

// fileFunctions adds the functions that depend on where the calling file
// lives and on the environment: env, file and abspath. readText reads
// file()'s files (readTextFile, observed).
func fileFunctions(std map[string]function.Function, dir string, lookupEnv func(string) (string, bool),
	readText func(string) ([]byte, error)) map[string]function.Function {
	out := make(map[string]function.Function, len(std)+3)
	for k, v := range std {
		out[k] = v
	}
	out["env"] = envFunc(lookupEnv)
	out["file"] = fileFunc(dir, readText)
	out["abspath"] = abspathFunc(dir)
	return out
}

// stringFunc makes a function of one string argument returning a string.
func stringFunc(param string, impl func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: param, Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s, err := impl(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(s), nil
		},
	})
}

// envFunc returns the value of an environment variable of the caller, or
// "" when it is not set.
func envFunc(lookupEnv func(string) (string, bool)) function.Function {
	return stringFunc("name", func(name string) (string, error) {
		v, _ := lookupEnv(name)
		return v, nil
	})
}

// maxFileSize bounds what file() reads, so that a configuration cannot make
// loading read /dev/zero forever.
const maxFileSize = 4 << 20

// fileFunc reads a UTF-8 text file with read, relative paths resolved
// against dir.
func fileFunc(dir string, read func(string) ([]byte, error)) function.Function {
	return stringFunc("path", func(p string) (string, error) {
		b, err := read(resolvePath(dir, p))
		if err != nil {
			return "", fmt.Errorf("read %s: %w", p, err)
		}
		return string(b), nil
	})
}

// readTextFile reads a regular file of at most maxFileSize bytes of UTF-8.
// It checks that name is a regular file before opening it: opening a FIFO
// waits for a writer, and opening a device can have effects of its own.
// It opens without waiting and checks again what it opened, in case name
// changed in between. Errors leave out the path, which the caller names as
// the user wrote it.
func readTextFile(name string) ([]byte, error) {
	before, err := os.Stat(name)
	switch {
	case err != nil:
		return nil, unwrapPath(err)
	case !before.Mode().IsRegular():
		return nil, errors.New("not a regular file")
	case before.Size() > maxFileSize:
		return nil, fmt.Errorf("larger than %d bytes", maxFileSize)
	}
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	info, err := f.Stat()
	switch {
	case err != nil:
		return nil, unwrapPath(err)
	case !info.Mode().IsRegular() || !os.SameFile(before, info):
		return nil, errors.New("not a regular file")
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	switch {
	case err != nil:
		return nil, unwrapPath(err)
	case len(b) > maxFileSize:
		return nil, fmt.Errorf("larger than %d bytes", maxFileSize)
	case !utf8.Valid(b):
		return nil, errors.New("not UTF-8 text")
	}
	return b, nil
}

// unwrapPath drops the path of a *fs.PathError, keeping the cause.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// abspathFunc makes a path absolute against dir.
func abspathFunc(dir string) function.Function {
	return stringFunc("path", func(p string) (string, error) {
		if p == "" {
			return "", fmt.Errorf("the path is empty")
		}
		return filepath.Clean(resolvePath(dir, p)), nil
	})
}

func base64EncodeFunc() function.Function {
	return stringFunc("str", func(s string) (string, error) {
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	})
}

func base64DecodeFunc() function.Function {
	return stringFunc("str", func(s string) (string, error) {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return "", fmt.Errorf("decode base64: %w", err)
		}
		if !utf8.Valid(b) {
			return "", fmt.Errorf("the decoded bytes are not UTF-8 text")
		}
		return string(b), nil
	})
}
