package report

// Device is what the probe's devices mode found at one path: the node
// itself, the mount it is on, and how opening it went. The probe opens
// and closes; it never reads or writes a device.
type Device struct {
	// Type is "block", "char", "other", or the errno name of stat.
	Type string `json:"type"`
	// Rdev is the node's "major:minor".
	Rdev string `json:"rdev,omitempty"`
	// Nodev is true when the node's mount refuses device access (nodev).
	Nodev bool `json:"nodev"`
	// Read and Write are "ok" or the errno name of open with O_RDONLY
	// and with O_WRONLY; "not tried" when the probe was not asked to.
	Read  string `json:"read"`
	Write string `json:"write"`
}
