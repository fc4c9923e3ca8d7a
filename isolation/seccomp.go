package isolation

// Seccomp is a compiled seccomp filter, carried in the Spec so that the
// child only loads it.
type Seccomp struct {
	// Profile names where the filter came from, such as "default".
	Profile string `json:"profile"`
	// Allowed is how many syscalls the profile allows, for summaries.
	Allowed int `json:"allowed"`
	// Program is the classic BPF program the kernel runs on every syscall.
	Program []SockFilter `json:"program"`
}

// SockFilter is one classic BPF instruction, as struct sock_filter.
type SockFilter struct {
	Code uint16 `json:"c"`
	Jt   uint8  `json:"t"`
	Jf   uint8  `json:"f"`
	K    uint32 `json:"k"`
}
