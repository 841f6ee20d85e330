package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sweeperd/sweeper/sweeper"
)

// The plan's renderings for people (text, markdown, html) and spreadsheets
// (csv). JSON, the machine-readable contract of
// docs/contract.md §4.1, is in plan.go.

// table is a text table with aligned columns; numeric columns are aligned
// to the right.
type table struct {
	head  []string
	right []bool
	rows  [][]string
	// rules are the row indexes above which a dashed line is drawn.
	rules map[int]bool
	// notes are lines written as they are below a row, by its index: lists
	// too long for a column, such as a rule's related rows.
	notes map[int][]string
}

func newTable(head ...string) *table {
	t := &table{right: make([]bool, len(head)), rules: map[int]bool{}, notes: map[int][]string{}}
	for i, h := range head {
		// A leading '>' marks a right-aligned column.
		if strings.HasPrefix(h, ">") {
			t.right[i] = true
			h = h[1:]
		}
		t.head = append(t.head, h)
	}
	return t
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// line draws a dashed line above the next row.
func (t *table) line() { t.rules[len(t.rows)] = true }

// note writes lines below the last row added.
func (t *table) note(lines ...string) {
	i := len(t.rows) - 1
	t.notes[i] = append(t.notes[i], lines...)
}

// lineWidth is the terminal the text reports are made to fit: a list that
// would make a line longer is wrapped instead.
const lineWidth = 120

// wrapList writes items after prefix, separated by ", ", over as many lines
// as keep each within lineWidth.
func wrapList(prefix string, items []string) []string {
	words := make([]string, len(items))
	for i, it := range items {
		words[i] = it
		if i < len(items)-1 {
			words[i] += ","
		}
	}
	return wrapWords(prefix, words)
}

// wrapText writes text after prefix over as many lines as keep each within
// lineWidth.
func wrapText(prefix, text string) []string { return wrapWords(prefix, strings.Fields(text)) }

// wrapWords writes words after prefix, separated by spaces, over as many
// lines as keep each within lineWidth; the lines after the first are
// indented to line up under the first word. A word too long for a line of
// its own is shortened with "…".
func wrapWords(prefix string, words []string) []string {
	indent := strings.Repeat(" ", utf8.RuneCountInString(prefix))
	room := max(lineWidth-len(indent), 20)
	lines := []string{""}
	for _, wd := range words {
		wd = truncate(wd, room)
		cur := &lines[len(lines)-1]
		switch {
		case *cur == "":
			*cur = wd
		case utf8.RuneCountInString(*cur)+1+utf8.RuneCountInString(wd) <= room:
			*cur += " " + wd
		default:
			lines = append(lines, wd)
		}
	}
	for i := range lines {
		if i == 0 {
			lines[i] = prefix + lines[i]
		} else {
			lines[i] = indent + lines[i]
		}
	}
	return lines
}

// relatedItems are a rule's related-row counts as "table action rows".
func relatedItems(rcs []sweeper.RelatedCount) []string {
	var items []string
	for _, rc := range rcs {
		items = append(items, fmt.Sprintf("%s %s %d", rc.Label(), rc.Action, rc.Rows))
	}
	return items
}

func (t *table) write(w io.Writer) error {
	width := make([]int, len(t.head))
	for i, h := range t.head {
		width[i] = utf8.RuneCountInString(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	total := 0
	for _, wd := range width {
		total += wd + 2
	}
	var sb strings.Builder
	row := func(cells []string) {
		var line strings.Builder
		for i, c := range cells {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				line.WriteString("  ")
			}
			if t.right[i] {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		sb.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	row(t.head)
	for i, r := range t.rows {
		if t.rules[i] {
			sb.WriteString(strings.Repeat("-", total-2) + "\n")
		}
		row(r)
		for _, n := range t.notes[i] {
			sb.WriteString(n + "\n")
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// truncate shortens s to at most n runes, marking the cut with "…".
func truncate(s string, n int) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

const (
	cutoffLayout = "2006-01-02 15:04"
	dayLayout    = "2006-01-02"
)

func oldest(r sweeper.RulePlan) string {
	if r.Oldest == nil {
		return "-"
	}
	return r.Oldest.Format(dayLayout)
}

func cutoff(r sweeper.RulePlan) string {
	if r.Cutoff.IsZero() {
		return "-"
	}
	return r.Cutoff.Format(cutoffLayout)
}

func relatedText(r sweeper.RulePlan) string {
	return strings.Join(relatedItems(r.Related), ", ")
}

// overlapsIntro heads the list of overlapping rules in every format.
const overlapsIntro = "Rules that overlap: the counts above are each rule's alone; a sweep runs the rules in config order."

// heldNote says what the rows holds keep are: no count above has them.
const heldNote = "rows due by age whose person is under a hold (sweeper holds); they are not in the counts above."

const heldIntro = "Kept by holds: " + heldNote

// heldLines says per rule how many due rows holds keep; none when nothing is held.
func heldLines(p *sweeper.Plan) []string {
	var out []string
	for _, r := range p.Rules {
		if r.Held > 0 {
			out = append(out, fmt.Sprintf("%s: %s of %s", r.Name, plural(r.Held, "row"), r.Table))
		}
	}
	return out
}

// overlapText says what a sweep does with the rows two rules share.
func overlapText(o sweeper.Overlap) string {
	if o.Err != nil {
		return fmt.Sprintf("%s: %s (%s) and %s (%s) share the table; the rows due under both could not be counted: %v",
			o.Table, o.First, o.FirstAction, o.Second, o.SecondAction, o.Err)
	}
	rows := plural(o.Rows, "row")
	if o.AtMost {
		rows = "at most " + rows
	}
	if o.FirstAction == sweeper.ActionDelete {
		return fmt.Sprintf("%s: %s due under both %s and %s; %s deletes them first, so %s finds them gone",
			o.Table, rows, o.First, o.Second, o.First, o.Second)
	}
	return fmt.Sprintf("%s: %s due under both %s and %s; %s %ss them first, then %s deletes them",
		o.Table, rows, o.First, o.Second, o.First, o.FirstAction, o.Second)
}

type planTotals struct{ Due, Reminders, Awaiting, Upcoming int }

func totals(p *sweeper.Plan) planTotals {
	var t planTotals
	for _, r := range p.Rules {
		if r.Err != nil {
			continue
		}
		t.Due += r.Due
		t.Reminders += r.Reminders
		t.Awaiting += r.AwaitingReminder
		t.Upcoming += r.Upcoming30d
	}
	return t
}

func itoa(n int) string { return strconv.Itoa(n) }

// plural writes a count with its noun, singular for one: "1 rule",
// "2 rules", "0 rules".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return itoa(n) + " " + noun + "s"
}

// forecastMonths returns the month keys of the plan's forecast, "" when no
// rule has one.
func forecastMonths(p *sweeper.Plan) []sweeper.MonthCount {
	for _, r := range p.Rules {
		if len(r.Forecast) > 0 {
			return r.Forecast
		}
	}
	return nil
}

// writePlanText writes the plan as aligned tables for a terminal: one row
// per rule with totals, then per rule its period, oldest due row, basis,
// related rows and errors; verbose adds the SQL each rule runs. The table
// holds the counts and what is needed to tell the rules apart, so that it
// fits a terminal of lineWidth with the example shops' names; the text
// goes below, where it may be as long as it is.
func writePlanText(w io.Writer, p *sweeper.Plan, verbose bool) error {
	fmt.Fprintf(w, "Plan as of %s (nothing has been changed)\n\n", p.AsOf.Format("2006-01-02 15:04:05 MST"))
	t := newTable("RULE", "TABLE", "ACTION", "CUTOFF", ">DUE", ">REMINDERS", ">AWAITING", ">NEXT 30 DAYS")
	for _, r := range p.Rules {
		if r.Err != nil {
			t.add(r.Name, r.Table, string(r.Action), "ERROR", "-", "-", "-", "-")
			continue
		}
		t.add(r.Name, r.Table, string(r.Action), cutoff(r), itoa(r.Due), itoa(r.Reminders),
			itoa(r.AwaitingReminder), itoa(r.Upcoming30d))
	}
	tot := totals(p)
	t.line()
	t.add("TOTAL ("+plural(len(p.Rules), "rule")+")", "", "", "", itoa(tot.Due), itoa(tot.Reminders), itoa(tot.Awaiting), itoa(tot.Upcoming))
	if err := t.write(w); err != nil {
		return err
	}
	if months := forecastMonths(p); months != nil {
		fmt.Fprintf(w, "\nRows becoming due per month (the first month from %s on):\n\n", p.AsOf.Format(dayLayout))
		head := []string{"RULE"}
		for _, m := range months {
			head = append(head, ">"+m.Key())
		}
		ft := newTable(append(head, ">TOTAL")...)
		for _, r := range p.Rules {
			if len(r.Forecast) == 0 {
				continue
			}
			cells, sum := []string{r.Name}, 0
			for _, m := range r.Forecast {
				cells = append(cells, itoa(m.Rows))
				sum += m.Rows
			}
			ft.add(append(cells, itoa(sum))...)
		}
		if err := ft.write(w); err != nil {
			return err
		}
	}
	if len(p.Overlaps) > 0 {
		fmt.Fprintf(w, "\n%s\n", overlapsIntro)
		for _, o := range p.Overlaps {
			fmt.Fprintln(w, strings.Join(wrapText("  ", overlapText(o)), "\n"))
		}
	}
	if held := heldLines(p); len(held) > 0 {
		fmt.Fprintf(w, "\n%s\n", strings.Join(wrapText("", heldIntro), "\n"))
		for _, l := range held {
			fmt.Fprintln(w, "  "+l)
		}
	}
	for _, r := range p.Rules {
		// Indented by two under the rule's name; the SQL stays one line, to
		// be copied.
		var lines []string
		if r.Err != nil {
			lines = append(lines, wrapText("  error: ", r.Err.Error())...)
		} else {
			lines = append(lines, "  older than "+r.OlderThan.String()+"; oldest due: "+oldest(r))
		}
		if r.Description != "" {
			lines = append(lines, wrapText("  description: ", r.Description)...)
		}
		if r.Basis != "" {
			lines = append(lines, wrapText("  basis: ", r.Basis)...)
		}
		for _, rc := range r.Related {
			lines = append(lines, fmt.Sprintf("  related: %s %s %s", rc.Label(), rc.Action, plural(rc.Rows, "row")))
		}
		if verbose && r.SQL != "" {
			lines = append(lines, "  sql: "+r.SQL, fmt.Sprintf("  args: %v", r.Args))
		}
		if _, err := fmt.Fprintf(w, "\n%s\n%s\n", r.Name, strings.Join(lines, "\n")); err != nil {
			return err
		}
	}
	return nil
}

// mdCell escapes a value for a markdown table cell.
func mdCell(s string) string {
	s = oneLine(s)
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, "|", `\|`)
	return s
}

// mdCode writes s as inline code, with a fence long enough for the
// backticks it holds.
func mdCode(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// writePlanMarkdown writes the plan for a ticket or a wiki page: a table per
// rule with totals, the related rows, the errors, and with verbose the SQL.
func writePlanMarkdown(w io.Writer, p *sweeper.Plan, verbose bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Retention plan as of %s\n\n", p.AsOf.Format("2006-01-02 15:04 MST"))
	b.WriteString("What a sweep at this moment would do, per rule. Nothing has been changed.\n\n")
	b.WriteString("| Rule | Table | Action | Basis | Older than | Cutoff | Due | Reminders | Awaiting | Next 30 days | Oldest due |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |\n")
	for _, r := range p.Rules {
		if r.Err != nil {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | **error** | – | – | – | – | – |\n", mdCode(r.Name), mdCode(r.Table),
				r.Action, mdCell(r.Basis), r.OlderThan)
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %d | %d | %d | %d | %s |\n", mdCode(r.Name), mdCode(r.Table),
			r.Action, mdCell(r.Basis), r.OlderThan, cutoff(r), r.Due, r.Reminders, r.AwaitingReminder, r.Upcoming30d, oldest(r))
	}
	tot := totals(p)
	fmt.Fprintf(&b, "| **Total** (%s) | | | | | | **%d** | **%d** | **%d** | **%d** | |\n", plural(len(p.Rules), "rule"),
		tot.Due, tot.Reminders, tot.Awaiting, tot.Upcoming)

	var related []string
	for _, r := range p.Rules {
		for _, rc := range r.Related {
			related = append(related, fmt.Sprintf("| %s | %s | %s | %d |", mdCode(r.Name), mdCode(rc.Label()), rc.Action, rc.Rows))
		}
	}
	if len(related) > 0 {
		b.WriteString("\n### Related rows\n\nHandled in the same transaction as the rule's own rows.\n\n")
		b.WriteString("| Rule | Table | Action | Rows |\n| --- | --- | --- | ---: |\n")
		b.WriteString(strings.Join(related, "\n") + "\n")
	}
	writeForecastMarkdown(&b, p)
	if len(p.Overlaps) > 0 {
		b.WriteString("\n### Overlapping rules\n\n" + overlapsIntro + "\n\n")
		for _, o := range p.Overlaps {
			b.WriteString("- " + mdCell(overlapText(o)) + "\n")
		}
	}
	if held := heldLines(p); len(held) > 0 {
		b.WriteString("\n### Kept by holds\n\n" + "The " + heldNote + "\n\n")
		for _, l := range held {
			b.WriteString("- " + mdCell(l) + "\n")
		}
	}
	var errs []string
	for _, r := range p.Rules {
		if r.Err != nil {
			errs = append(errs, fmt.Sprintf("- %s: %s", mdCode(r.Name), mdCell(r.Err.Error())))
		}
	}
	if len(errs) > 0 {
		b.WriteString("\n### Errors\n\n" + strings.Join(errs, "\n") + "\n")
	}
	if verbose {
		b.WriteString("\n### SQL\n")
		for _, r := range p.Rules {
			if r.SQL == "" {
				continue
			}
			fmt.Fprintf(&b, "\n%s, with the values %v:\n\n```sql\n%s\n```\n", mdCode(r.Name), r.Args, r.SQL)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeForecastMarkdown adds the table of rows becoming due per month,
// when the plan has a forecast.
func writeForecastMarkdown(b *strings.Builder, p *sweeper.Plan) {
	months := forecastMonths(p)
	if months == nil {
		return
	}
	b.WriteString("\n### Rows becoming due per month\n\n")
	b.WriteString("| Rule |")
	for _, m := range months {
		fmt.Fprintf(b, " %s |", m.Key())
	}
	b.WriteString(" Total |\n| --- |" + strings.Repeat(" ---: |", len(months)+1) + "\n")
	for _, r := range p.Rules {
		if len(r.Forecast) == 0 {
			continue
		}
		fmt.Fprintf(b, "| %s |", mdCode(r.Name))
		sum := 0
		for _, m := range r.Forecast {
			fmt.Fprintf(b, " %d |", m.Rows)
			sum += m.Rows
		}
		fmt.Fprintf(b, " %d |\n", sum)
	}
}

// writePlanCSV writes a header and one row per rule, for a spreadsheet.
// Times are RFC 3339; a forecast adds a column per month.
func writePlanCSV(w io.Writer, p *sweeper.Plan) error {
	cw := csv.NewWriter(w)
	head := []string{"rule", "table", "action", "older_than", "basis", "cutoff", "due", "reminders", "awaiting_reminder",
		"upcoming_30d", "oldest", "related", "error", "held"}
	months := forecastMonths(p)
	for _, m := range months {
		head = append(head, m.Key())
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range p.Rules {
		c, o, e := "", "", ""
		if !r.Cutoff.IsZero() {
			c = r.Cutoff.Format(time.RFC3339)
		}
		if r.Oldest != nil {
			o = r.Oldest.Format(time.RFC3339)
		}
		if r.Err != nil {
			e = r.Err.Error()
		}
		counts := []string{itoa(r.Due), itoa(r.Reminders), itoa(r.AwaitingReminder), itoa(r.Upcoming30d)}
		if r.Err != nil {
			// Not zero: unknown.
			counts = []string{"", "", "", ""}
		}
		rec := append([]string{r.Name, r.Table, string(r.Action), r.OlderThan.String(), oneLine(r.Basis), c}, counts...)
		held := itoa(r.Held)
		if r.Err != nil {
			held = ""
		}
		rec = append(rec, o, relatedText(r), e, held)
		for i := range months {
			if i < len(r.Forecast) {
				rec = append(rec, itoa(r.Forecast[i].Rows))
			} else {
				rec = append(rec, "")
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
