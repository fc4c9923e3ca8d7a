package refdoc

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Page is a Markdown page as the documentation tests read it: its headings,
// its code (spans and fenced blocks), its table rows and its links.
type Page struct {
	// Path is the file the page was read from.
	Path string
	// Size is the page's length in bytes.
	Size int
	// Anchors holds the anchor GitHub gives each heading ("#exit-codes").
	Anchors map[string]bool
	// Spans are the code spans outside fenced blocks, in order.
	Spans []Span
	// Blocks are the fenced code blocks.
	Blocks []Block
	// Rows are the body rows of the tables.
	Rows []Row
	// Links are the targets of inline links and images.
	Links []Link
}

// Span is one code span, its text as rendered: a table's `\|` is "|".
type Span struct {
	Text string
	Line int
	// Row is the table row the span is in, or nil.
	Row *Row
	// Cell is the span's column in Row.
	Cell int
}

// Block is a fenced code block.
type Block struct {
	// Info is the text after the opening fence: "hcl", "hcl fragment", "sh".
	Info string
	// Text is the block's content, Line the line of its first content line.
	Text string
	Line int
}

// Lang is the first word of the block's info string, as GitHub reads it.
func (b Block) Lang() string {
	lang, _, _ := strings.Cut(strings.TrimSpace(b.Info), " ")
	return lang
}

// HasTag reports whether a later word of the info string is tag.
func (b Block) HasTag(tag string) bool {
	words := strings.Fields(b.Info)
	for _, w := range words[min(1, len(words)):] {
		if w == tag {
			return true
		}
	}
	return false
}

// Row is a table body row: its cells and its table's header cells.
type Row struct {
	Header []string
	Cells  []string
	Line   int
}

// Link is an inline link's target, "docs/limits.md#cgroups".
type Link struct {
	Target string
	Line   int
}

var (
	fence     = regexp.MustCompile("^(```+|~~~+)(.*)$")
	spanRe    = regexp.MustCompile("`([^`]+)`")
	linkRe    = regexp.MustCompile(`\]\(([^()\s]+)\)`)
	separator = regexp.MustCompile(`^\|( *:?-+:? *\|)+ *$`)
)

// ReadPage reads and parses the Markdown page at path.
func ReadPage(path string) (*Page, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p := &Page{Path: path, Size: len(data), Anchors: map[string]bool{}}
	p.parse(string(data))
	return p, nil
}

// parse reads the page line by line: fenced blocks, headings, tables and
// the code spans and links of everything else.
func (p *Page) parse(src string) {
	lines := strings.Split(src, "\n")
	slugs := map[string]int{}
	var header []string // the cells of the table being read, if any
	for i := 0; i < len(lines); i++ {
		line, n := lines[i], i+1
		if m := fence.FindStringSubmatch(line); m != nil {
			i = p.readBlock(lines, i, m[1], m[2])
			header = nil
			continue
		}
		if text, ok := headingText(line); ok {
			p.Anchors["#"+uniqueSlug(slugs, Slug(text))] = true
		}
		var row *Row
		switch {
		case !strings.HasPrefix(line, "|"):
			header = nil
		case header == nil:
			header = cells(line)
		case separator.MatchString(line):
		default:
			row = &Row{Header: header, Cells: cells(line), Line: n}
			p.Rows = append(p.Rows, *row)
		}
		p.readInline(line, n, row)
	}
}

// readBlock records the fenced block that opens at lines[i] and returns
// the index of its closing fence.
func (p *Page) readBlock(lines []string, i int, marker, info string) int {
	b := Block{Info: strings.TrimSpace(info), Line: i + 2}
	var body []string
	for i++; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], marker) && strings.TrimSpace(strings.TrimLeft(lines[i], marker[:1])) == "" {
			break
		}
		body = append(body, lines[i])
	}
	b.Text = strings.Join(body, "\n")
	p.Blocks = append(p.Blocks, b)
	return i
}

// readInline records the code spans and links of one line outside a block.
func (p *Page) readInline(line string, n int, row *Row) {
	cellOf := func(offset int) int { return strings.Count(unescapedPipes(line[:offset]), "|") - 1 }
	for _, m := range spanRe.FindAllStringSubmatchIndex(line, -1) {
		s := Span{Text: line[m[2]:m[3]], Line: n}
		if row != nil {
			s.Text = strings.ReplaceAll(s.Text, `\|`, "|")
			s.Row, s.Cell = row, cellOf(m[0])
		}
		p.Spans = append(p.Spans, s)
	}
	prose := spanRe.ReplaceAllString(line, "")
	for _, m := range linkRe.FindAllStringSubmatch(prose, -1) {
		p.Links = append(p.Links, Link{Target: m[1], Line: n})
	}
}

// unescapedPipes drops the escaped pipes of a table line, so that counting
// the rest counts cell borders.
func unescapedPipes(s string) string { return strings.ReplaceAll(s, `\|`, "") }

// cells splits a table line into its trimmed cells.
func cells(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(strings.TrimSuffix(line, "|"), "|")
	var out []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			cur.WriteString(`\|`)
			i++
		case line[i] == '|':
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	return append(out, strings.TrimSpace(cur.String()))
}

// headingText returns the text of an ATX heading line.
func headingText(line string) (string, bool) {
	hashes := len(line) - len(strings.TrimLeft(line, "#"))
	if hashes == 0 || hashes > 6 || len(line) > hashes && line[hashes] != ' ' {
		return "", false
	}
	return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(line[hashes:]), "#")), true
}

// Slug is the anchor GitHub derives from a heading's text: lower case,
// spaces made hyphens, punctuation other than '-' and '_' dropped.
func Slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// uniqueSlug numbers a repeated slug as GitHub does: "x", "x-1", "x-2".
func uniqueSlug(seen map[string]int, s string) string {
	n := seen[s]
	seen[s]++
	if n == 0 {
		return s
	}
	return s + "-" + strconv.Itoa(n)
}
