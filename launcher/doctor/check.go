package doctor

// Check is one protection or feature and whether this host gives it.
type Check struct {
	// Name is what is checked, such as "cgroup memory controller".
	Name string `json:"name"`
	// OK is true when the host gives it.
	OK bool `json:"ok"`
	// State is the line's label (Label): empty means Enforced when OK,
	// else Unsupported.
	State string `json:"state"`
	// Detail says how it was found, or why it is missing.
	Detail string `json:"detail"`
}

// The labels of a check.
const (
	// Enforced is a protection every sandbox started here gets.
	Enforced = "enforced"
	// Available is a feature that works here; it protects nothing by
	// itself.
	Available = "available"
	// Off is a feature that a setting of this host turns off.
	Off = "off"
	// Unsupported is what this host cannot give.
	Unsupported = "unsupported"
)

// Label is how the check's line is labelled.
func (c Check) Label() string {
	switch {
	case c.State != "":
		return c.State
	case c.OK:
		return Enforced
	}
	return Unsupported
}

// available is an OK check of a feature, labelled Available.
func available(c Check) Check {
	if c.OK {
		c.State = Available
	}
	return c
}
