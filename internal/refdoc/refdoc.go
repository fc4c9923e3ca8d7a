package refdoc

import (
	"bufio"
	"os"
	"regexp"
	"strings"
)

// Doc is what the reference documents, each as a set of names.
type Doc struct {
	// Schema holds block paths ("sandbox.limits") and attribute paths
	// ("sandbox.limits.memory"), as config.SchemaDoc lists them.
	Schema map[string]bool
	// Functions holds function names.
	Functions map[string]bool
	// Flags maps each command path ("sandbox up") to its long flag names
	// ("parallel").
	Flags map[string]map[string]bool
}

var (
	heading   = regexp.MustCompile("^(#+) (.*)$")
	codeSpan  = regexp.MustCompile("`([^`]+)`")
	attrRow   = regexp.MustCompile("^\\| `([a-z_0-9]+)` \\|")
	funcName  = regexp.MustCompile("`([a-z_0-9]+)\\(")
	flagRow   = regexp.MustCompile("^\\| `--([a-z-]+)")
	blockHead = regexp.MustCompile(" blocks?$")
	// attrHead opens a top-level attribute's own section.
	attrHead = regexp.MustCompile("^`[a-z_]+` attribute$")
)

// Read parses the reference page at path.
func Read(path string) (*Doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d := &Doc{Schema: map[string]bool{}, Functions: map[string]bool{}, Flags: map[string]map[string]bool{}}
	var blocks []string // the block section being read, if any
	var section, command string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if m := heading.FindStringSubmatch(line); m != nil {
			blocks, command = nil, ""
			if len(m[1]) == 2 {
				section = m[2]
			}
			d.readHeading(m[2], section, &blocks, &command)
			continue
		}
		d.readRow(line, section, blocks, command)
	}
	return d, sc.Err()
}

// readHeading notes the block or command a heading opens.
func (d *Doc) readHeading(text, section string, blocks *[]string, command *string) {
	spans := codeSpan.FindAllStringSubmatch(text, -1)
	switch {
	case blockHead.MatchString(text):
		for _, s := range spans {
			*blocks = append(*blocks, s[1])
			d.Schema[s[1]] = true
		}
	case attrHead.MatchString(text):
		d.Schema[spans[0][1]] = true
	case section == "Commands" && len(spans) == 1 && strings.HasPrefix(spans[0][1], "sandbox"):
		*command = spans[0][1]
		d.Flags[*command] = map[string]bool{}
	}
}

// readRow notes an attribute, function or flag that a table row documents.
func (d *Doc) readRow(line, section string, blocks []string, command string) {
	if !strings.HasPrefix(line, "| ") {
		return
	}
	if m := attrRow.FindStringSubmatch(line); m != nil && len(blocks) > 0 {
		for _, b := range blocks {
			d.Schema[b+"."+m[1]] = true
		}
	}
	if section == "Functions" {
		first, _, _ := strings.Cut(strings.TrimPrefix(line, "| "), " | ")
		for _, m := range funcName.FindAllStringSubmatch(first, -1) {
			d.Functions[m[1]] = true
		}
	}
	if m := flagRow.FindStringSubmatch(line); m != nil && command != "" {
		d.Flags[command][m[1]] = true
	}
}
