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
// (csv). JSON, the machine-readable contract of SPEC §4, is in plan.go.

// table is a text table with aligned columns; numeric columns are aligned
// to the right.
type table struct {
	head  []string
	right []bool
	rows  [][]string
	// rules are the row indexes above which a dashed line is drawn.
	rules map[int]bool
}

func newTable(head ...string) *table {
	t := &table{right: make([]bool, len(head)), rules: map[int]bool{}}
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
	var parts []string
	for _, rc := range r.Related {
		parts = append(parts, fmt.Sprintf("%s %s %d", rc.Table, rc.Action, rc.Rows))
	}
	return strings.Join(parts, ", ")
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
// per rule with totals, then per rule its basis, related rows and errors;
// verbose adds the SQL each rule runs.
func writePlanText(w io.Writer, p *sweeper.Plan, verbose bool) error {
	fmt.Fprintf(w, "Plan as of %s (nothing has been changed)\n\n", p.AsOf.Format("2006-01-02 15:04:05 MST"))
	t := newTable("RULE", "TABLE", "ACTION", "OLDER THAN", "CUTOFF", ">DUE", ">REMINDERS", ">AWAITING", ">NEXT 30 DAYS", "OLDEST DUE", "BASIS")
	for _, r := range p.Rules {
		if r.Err != nil {
			t.add(r.Name, r.Table, string(r.Action), r.OlderThan.String(), "ERROR", "-", "-", "-", "-", "-", "see below")
			continue
		}
		t.add(r.Name, r.Table, string(r.Action), r.OlderThan.String(), cutoff(r), itoa(r.Due), itoa(r.Reminders),
			itoa(r.AwaitingReminder), itoa(r.Upcoming30d), oldest(r), truncate(r.Basis, 40))
	}
	tot := totals(p)
	t.line()
	t.add("TOTAL ("+plural(len(p.Rules), "rule")+")", "", "", "", "", itoa(tot.Due), itoa(tot.Reminders), itoa(tot.Awaiting), itoa(tot.Upcoming), "", "")
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
	for _, r := range p.Rules {
		var lines []string
		if r.Err != nil {
			lines = append(lines, "error: "+r.Err.Error())
		}
		if r.Description != "" {
			lines = append(lines, "description: "+oneLine(r.Description))
		}
		if r.Basis != "" {
			lines = append(lines, "basis: "+oneLine(r.Basis))
		}
		for _, rc := range r.Related {
			lines = append(lines, fmt.Sprintf("related: %s %s %s", rc.Table, rc.Action, plural(rc.Rows, "row")))
		}
		if verbose && r.SQL != "" {
			lines = append(lines, "sql: "+r.SQL, fmt.Sprintf("args: %v", r.Args))
		}
		if len(lines) == 0 {
			continue
		}
		if _, err := fmt.Fprintf(w, "\n%s\n  %s\n", r.Name, strings.Join(lines, "\n  ")); err != nil {
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
			related = append(related, fmt.Sprintf("| %s | %s | %s | %d |", mdCode(r.Name), mdCode(rc.Table), rc.Action, rc.Rows))
		}
	}
	if len(related) > 0 {
		b.WriteString("\n### Related rows\n\nHandled in the same transaction as the rule's own rows.\n\n")
		b.WriteString("| Rule | Table | Action | Rows |\n| --- | --- | --- | ---: |\n")
		b.WriteString(strings.Join(related, "\n") + "\n")
	}
	if months := forecastMonths(p); months != nil {
		b.WriteString("\n### Rows becoming due per month\n\n")
		b.WriteString("| Rule |")
		for _, m := range months {
			fmt.Fprintf(&b, " %s |", m.Key())
		}
		b.WriteString(" Total |\n| --- |" + strings.Repeat(" ---: |", len(months)+1) + "\n")
		for _, r := range p.Rules {
			if len(r.Forecast) == 0 {
				continue
			}
			fmt.Fprintf(&b, "| %s |", mdCode(r.Name))
			sum := 0
			for _, m := range r.Forecast {
				fmt.Fprintf(&b, " %d |", m.Rows)
				sum += m.Rows
			}
			fmt.Fprintf(&b, " %d |\n", sum)
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

// writePlanCSV writes a header and one row per rule, for a spreadsheet.
// Times are RFC 3339; a forecast adds a column per month.
func writePlanCSV(w io.Writer, p *sweeper.Plan) error {
	cw := csv.NewWriter(w)
	head := []string{"rule", "table", "action", "older_than", "basis", "cutoff", "due", "reminders", "awaiting_reminder",
		"upcoming_30d", "oldest", "related", "error"}
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
		rec = append(rec, o, relatedText(r), e)
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
