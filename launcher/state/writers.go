package state

// Writer is a recorded sandbox and the host paths it can write.
type Writer struct {
	Name  string
	Paths []string
}

// Writers lists the recorded sandboxes that can write host paths, live or
// stale: a stale one's sandbox may have written before it ended.
func (d Dir) Writers() ([]Writer, error) {
	names, err := d.Names()
	if err != nil {
		return nil, err
	}
	var out []Writer
	for _, name := range names {
		if r, err := d.Read(name); err == nil && len(r.Writable) > 0 {
			out = append(out, Writer{Name: name, Paths: r.Writable})
		}
	}
	return out, nil
}
