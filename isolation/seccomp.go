package isolation

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
)

// Seccomp is a compiled seccomp filter, carried in the Spec so that the
// child only loads it.
type Seccomp struct {
	// Profile names where the filter came from, such as "default".
	Profile string `json:"profile"`
	// Allowed is how many syscalls the profile allows, for summaries.
	Allowed int `json:"allowed"`
	// Program is the classic BPF program the kernel runs on every syscall.
	Program Program `json:"program"`
}

// SockFilter is one classic BPF instruction, as struct sock_filter.
type SockFilter struct {
	Code uint16
	Jt   uint8
	Jf   uint8
	K    uint32
}

// Program is a BPF program. In JSON it is the base64 of its struct
// sock_filter array in little-endian order: exact, and a few kilobytes
// rather than thousands of lines.
type Program []SockFilter

// MarshalText encodes the program as base64, which JSON holds as a
// string. (As a json.Marshaler it was scanned again by every encoder that
// held it, a kilobyte per plan.)
func (p Program) MarshalText() ([]byte, error) {
	b := make([]byte, 8*len(p))
	for i, f := range p {
		binary.LittleEndian.PutUint16(b[8*i:], f.Code)
		b[8*i+2], b[8*i+3] = f.Jt, f.Jf
		binary.LittleEndian.PutUint32(b[8*i+4:], f.K)
	}
	return base64.StdEncoding.AppendEncode(nil, b), nil
}

// UnmarshalText decodes a program encoded by MarshalText.
func (p *Program) UnmarshalText(text []byte) error {
	b, err := base64.StdEncoding.AppendDecode(nil, text)
	if err != nil || len(b)%8 != 0 {
		return fmt.Errorf("seccomp program: not base64 of 8-byte instructions")
	}
	out := make(Program, len(b)/8)
	for i := range out {
		out[i] = SockFilter{
			Code: binary.LittleEndian.Uint16(b[8*i:]),
			Jt:   b[8*i+2], Jf: b[8*i+3],
			K: binary.LittleEndian.Uint32(b[8*i+4:]),
		}
	}
	*p = out
	return nil
}
