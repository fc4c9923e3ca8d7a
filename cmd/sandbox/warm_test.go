package main

import (
	"encoding/json"
	"testing"
)

// The values warmEncoders encodes on a goroutine of a start encode
// without an error or a panic: a panic there would end every run.
func TestWarmValuesEncode(t *testing.T) {
	for _, v := range warmValues {
		if _, err := json.Marshal(v); err != nil {
			t.Errorf("encode %T: %v", v, err)
		}
	}
}
