package report

import "testing"

func TestBatchExitCode(t *testing.T) {
	ok := Outcome{Name: "ok", Result: Exited}
	three := Outcome{Name: "three", Result: Exited, ExitCode: 3}
	stopped := Outcome{Name: "stopped", Result: Killed, ExitCode: 143, Stopped: true}
	skipped := Outcome{Name: "skipped", Result: Skipped, ExitCode: ExitSetup}
	tests := []struct {
		outs      []Outcome
		interrupt int
		from      string
		want      int
	}{
		{[]Outcome{ok, ok}, 0, "", 0},
		{[]Outcome{stopped, three}, 0, "", 3},
		{[]Outcome{stopped, ok}, 2, "", 130},
		{[]Outcome{skipped, stopped}, 0, "", 125},
		{[]Outcome{three, ok}, 0, "ok", 0},
		{[]Outcome{ok, skipped}, 0, "skipped", 125},
	}
	for i, tt := range tests {
		if got := ExitCode(tt.outs, tt.interrupt, tt.from); got != tt.want {
			t.Errorf("case %d: batchExitCode = %d, want %d", i, got, tt.want)
		}
	}
}
