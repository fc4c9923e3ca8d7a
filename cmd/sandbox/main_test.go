package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run this binary as the "sandbox" command. The
// child check comes first, as in main, so that a re-executed sandbox child
// of a script test behaves like the real one.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"sandbox": main,
	})
}

// TestScripts runs the CLI scripts in testdata/script. A script may use
// [root] to require root.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Condition: func(cond string) (bool, error) {
			if cond == "root" {
				return os.Geteuid() == 0, nil
			}
			return false, nil
		},
	})
}
