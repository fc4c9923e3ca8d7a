package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/hclsandbox/sandbox/internal/parallel"
	"github.com/hclsandbox/sandbox/launcher"
)

// planWindow is how many plans WritePlansJSON encodes at once, on every
// core, before it writes them in order.
const planWindow = 256

// WritePlansJSON prints n plans, plan(0) … plan(n-1), as one indented JSON
// array, byte for byte what json.MarshalIndent of them all gives. It
// builds and encodes a window of plans at a time on every core, so that
// neither the plans nor the output are held whole.
func WritePlansJSON(w io.Writer, n int, plan func(int) *launcher.Plan) error {
	if n == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	bw := bufio.NewWriter(w)
	slots := make([]planSlot, min(n, planWindow))
	bw.WriteString("[\n  ")
	for start := 0; start < n; start += planWindow {
		window := slots[:min(planWindow, n-start)]
		parallel.For(len(window), 16, func(k int) { window[k].encode(plan(start + k)) })
		for k := range window {
			if window[k].err != nil {
				return window[k].err
			}
			if start+k > 0 {
				bw.WriteString(",\n  ")
			}
			bw.Write(window[k].out)
		}
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

// planSlot encodes one plan of a window, reusing its buffers.
type planSlot struct {
	compact bytes.Buffer
	enc     *json.Encoder
	out     []byte // the plan indented, as an element of the array
	err     error
}

func (s *planSlot) encode(p *launcher.Plan) {
	if s.enc == nil {
		s.enc = json.NewEncoder(&s.compact)
	}
	s.compact.Reset()
	if s.err = s.enc.Encode(p); s.err != nil {
		s.err = fmt.Errorf("encode plan of %s: %w", p.Name, s.err)
		return
	}
	s.out = appendIndent(s.out[:0], bytes.TrimSuffix(s.compact.Bytes(), []byte("\n")), "  ", "  ")
}
