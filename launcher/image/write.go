package image

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteList prints the store's images to w (`sandbox images`): a table
// with a row per image, or an indented JSON array.
func WriteList(w io.Writer, list []Entry, asJSON bool) {
	if asJSON {
		b, _ := json.MarshalIndent(list, "", "  ")
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSOURCE\tLAYERS\tSIZE\tUSED BY\tPINNED\tIN USE")
	for _, im := range list {
		var srcs []string
		for _, s := range im.Sources {
			srcs = append(srcs, s.Source)
		}
		pinned, inUse := "no", "no"
		if len(im.Pinned) > 0 {
			pinned = "yes"
		}
		if im.InUse {
			inUse = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f MiB\t%s\t%s\t%s\n", ShortDigest(im.ID), strings.Join(srcs, ","),
			im.Layers, float64(im.Size)/(1<<20), strings.Join(im.UsedBy, ","), pinned, inUse)
	}
	tw.Flush()
}

// Write prints what a prune removed, or with dryRun would remove, to w:
// one line of counts, or one JSON object.
func (rep *PruneReport) Write(w io.Writer, dryRun, asJSON bool) {
	if asJSON {
		b, _ := json.Marshal(rep)
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	verb := "removed"
	if dryRun {
		verb = "would remove"
	}
	fmt.Fprintf(w, "%s %d images, %d layers (%.1f MiB), %d leftovers of interrupted pulls; kept %d images\n",
		verb, len(rep.Images), rep.Layers, float64(rep.Bytes)/(1<<20), rep.Leftovers, len(rep.Kept))
}
