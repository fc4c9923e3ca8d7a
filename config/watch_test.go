package config

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestWatchDecode(t *testing.T) {
	s, diags := loadOne(t, `
  restart      = "on-failure"
  max_restarts = 3
  watch {
    paths    = ["./app", "/etc/hosts"]
    ignore   = ["*.log", "build/"]
    debounce = "50ms"
    action   = "signal"
    signal   = "usr1"
    own_writes = true
  }`)
	if diags != "" {
		t.Fatalf("diagnostics: %s", diags)
	}
	w := s.Watch
	if w == nil {
		t.Fatal("Watch = nil, want the block")
	}
	want := &Watch{Paths: []string{filepath.Join(s.Dir, "app"), "/etc/hosts"}, Ignore: []string{"*.log", "build/"},
		Dir: s.Dir, Debounce: 50 * time.Millisecond, Action: WatchSignal, Signal: "SIGUSR1", OwnWrites: true}
	if !reflect.DeepEqual(w, want) {
		t.Errorf("Watch = %+v, want %+v", w, want)
	}
	if s.Restart != (Restart{Policy: RestartOnFailure, Max: 3}) {
		t.Errorf("Restart = %+v, want on-failure, 3", s.Restart)
	}
	if _, ok := s.Ranges["watch.paths"]; !ok {
		t.Error("no range recorded for watch.paths")
	}
}

func TestWatchDefaults(t *testing.T) {
	s, diags := loadOne(t, `
  watch {
    paths = ["."]
  }`)
	if diags != "" {
		t.Fatalf("diagnostics: %s", diags)
	}
	if s.Watch.Debounce != DefaultDebounce || s.Watch.Action != WatchRestart || s.Watch.Signal != "SIGHUP" {
		t.Errorf("Watch = %+v, want the defaults", s.Watch)
	}
	if s.Restart != (Restart{Policy: RestartNo}) {
		t.Errorf("Restart = %+v, want no", s.Restart)
	}
	s, _ = loadOne(t, "")
	if s.Watch != nil {
		t.Errorf("Watch = %+v without a block, want nil", s.Watch)
	}
}

func TestWatchDiagnostics(t *testing.T) {
	tests := []struct{ body, want string }{
		{`restart = "sometimes"`, `"sometimes" is not a restart policy`},
		{`restart = "on-failur"`, `Did you mean "on-failure"?`},
		{`max_restarts = -1`, "max_restarts must be a whole number"},
		{`max_restarts = 1.5`, "max_restarts must be a whole number"},
		{`watch {
  }`, `The argument "paths" is required`},
		{`watch {
    paths = []
  }`, "No paths to watch"},
		{`watch {
    paths    = ["."]
    debounce = "soon"
  }`, "Invalid duration"},
		{`watch {
    paths  = ["."]
    action = "reload"
  }`, `"reload" is not a watch action`},
		{`watch {
    paths  = ["."]
    action = "signal"
    signal = "SIGSEGV"
  }`, "not a signal the watch can send"},
		{`watch {
    paths  = ["."]
    signal = "SIGHUP"
  }`, "Signal without action"},
		{`watch {
    paths  = ["."]
    ignore = ["[a-"]
  }`, "is not a valid glob"},
		{`watch {
    paths = ["."]
  }
  watch {
    paths = ["."]
  }`, "Duplicate watch block"},
		{`watch {
    paths = ["."]
    files = ["x"]
  }`, `An argument named "files" is not expected here`},
	}
	for _, tt := range tests {
		_, diags := loadOne(t, tt.body)
		if !strings.Contains(diags, tt.want) {
			t.Errorf("loading %s:\ngot diagnostics %q\nwant one containing %q", tt.body, diags, tt.want)
		}
	}
}

func TestWatchIgnored(t *testing.T) {
	w := &Watch{Ignore: []string{"*.log", "build/", "/tmp/*.txt", "docs/**/*.md", "!keep.log", "node_modules"}}
	tests := []struct {
		rel   string
		isDir bool
		want  bool
	}{
		{"a.log", false, true},
		{"app/deep/a.log", false, true},
		{"keep.log", false, false},
		{"app/keep.log", false, false},
		{"build", true, true},
		{"build", false, false},
		{"build/out.o", false, true},
		{"app/build/out.o", false, true},
		{"tmp/a.txt", false, true},
		{"app/tmp/a.txt", false, false},
		{"docs/a.md", false, true},
		{"docs/x/y/a.md", false, true},
		{"src/docs/a.md", false, false},
		{"node_modules/x/index.js", false, true},
		{"app/main.py", false, false},
	}
	for _, tt := range tests {
		if got := w.Ignored(tt.rel, tt.isDir); got != tt.want {
			t.Errorf("Ignored(%q, %v) = %v, want %v", tt.rel, tt.isDir, got, tt.want)
		}
	}
}
