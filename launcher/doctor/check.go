package doctor

// Check is one protection and whether this host gives it.
type Check struct {
	// Name is what is checked, such as "cgroup memory controller".
	Name string `json:"name"`
	// OK is true when the host enforces it.
	OK bool `json:"ok"`
	// Detail says how it was found, or why it is missing.
	Detail string `json:"detail"`
}
