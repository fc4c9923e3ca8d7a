package slurm

import (
	"context"
	"slices"
)

// Stop cancels the queued and running jobs of the named sandboxes (block
// names: a fanned-out sandbox's whole array), or all of them. It returns
// the jobs cancelled and the names that had none.
func Stop(ctx context.Context, c Commander, names []string, all bool) (stopped []Queued, missing []string, err error) {
	qs, err := List(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	found := map[string]bool{}
	for _, q := range qs {
		if all || slices.Contains(names, q.Name) {
			ids = append(ids, q.ID)
			found[q.Name] = true
		}
	}
	for _, n := range names {
		if !found[n] {
			missing = append(missing, n)
		}
	}
	if err := Cancel(ctx, c, ids); err != nil {
		return nil, missing, err
	}
	for _, q := range qs {
		if found[q.Name] {
			stopped = append(stopped, q)
		}
	}
	return stopped, missing, nil
}
