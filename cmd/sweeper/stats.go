package main

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

const statsUsage = `Usage: sweeper stats [--format text|html] [-o FILE] [--timezone NAME] [FILE...]

What the sweeper did, per rule and day, from its JSON log: the runs and the
failed ones, the rows by action (related rows under their own action), the
rows erased on request, the reminders sent and not sent, and the run times.
For shops without Prometheus. It reads the files named, else standard input:

  journalctl -u sweeper -o cat --since -30d | sweeper stats
  sweeper stats --format html -o stats.html /var/log/sweeper/*.log

Dry runs count nothing. Lines that are not the sweeper's JSON log (a
console-format log, other programs' lines) are skipped, and their number is
said on standard error. Only counts, days and rule names are taken from the
log, so nothing else of it (an error's text, a row's key) can show. Needs no
config and no database.

Formats: text (an aligned table with totals), html (one self-contained page
with a chart per rule of the rows handled per day; write it with -o).

`

// statsFormats are the values --format takes.
var statsFormats = []string{"text", "html"}

func (e *environment) stats(_ context.Context, args []string) error {
	fs := e.flagSet("stats", statsUsage)
	format := fs.String("format", "", strings.Join(statsFormats, ", ")+" (default: from -o's extension, else text)")
	out := fs.String("o", "", "write the report to this file instead of standard output")
	tzName := fs.String("timezone", "", "the timezone whose days count, e.g. Europe/Amsterdam (default: the day as each line was logged)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: exitInvalid, err: err}
	}
	if *format == "" {
		f, err := reportFormat("stats", *out, statsFormats)
		if err != nil {
			return err
		}
		*format = f
	}
	if !slices.Contains(statsFormats, *format) {
		return usageErrorf("stats: --format %q is not one of %s", *format, strings.Join(statsFormats, ", "))
	}
	var tz *time.Location
	if *tzName != "" {
		var err error
		if tz, err = time.LoadLocation(*tzName); err != nil {
			return usageErrorf("stats: --timezone %q: %v", *tzName, err)
		}
	}

	st, err := e.readStats(fs.Args(), tz)
	if err != nil {
		return err
	}

	w := e.stdout
	var f *os.File
	if *out != "" {
		var err error
		if f, err = os.Create(*out); err != nil {
			return fmt.Errorf("stats: %w", err)
		}
		defer f.Close()
		w = f
	}
	switch *format {
	case "html":
		err = writeStatsHTML(w, st, time.Now())
	default:
		err = writeStatsText(w, st)
	}
	if err == nil && f != nil {
		err = f.Close()
	}
	if err != nil {
		return fmt.Errorf("stats: write report: %w", err)
	}
	if f != nil {
		fmt.Fprintf(e.stderr, "stats: wrote the %s report to %s\n", *format, *out)
	}
	return nil
}

// readStats reads the JSON log from the named files, or standard input when
// none is named, and says what it had to skip.
func (e *environment) readStats(names []string, tz *time.Location) (*logStats, error) {
	st := newLogStats(tz)
	if len(names) == 0 {
		if err := st.read(e.stdin, "standard input"); err != nil {
			return nil, err
		}
	}
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, usageErrorf("stats: %v", err)
		}
		err = st.read(f, name)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	if st.skipped > 0 {
		fmt.Fprintf(e.stderr, "stats: skipped %s that %s not the sweeper's JSON log (the first: line %d of %s)\n",
			plural(st.skipped, "line"), isAre(st.skipped), st.firstSkipped.line, st.firstSkipped.name)
	}
	if st.events == 0 {
		return nil, fmt.Errorf("stats: no sweeper log events in %s of input: the log must be JSON (log.format = \"json\", "+
			"the default), and journalctl needs -o cat", plural(st.lines, "line"))
	}

	return st, nil
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// logLine is what stats reads of a log line: the event, where and when,
// and counts. Every other field (an error's text, a row's key) is left
// unread, so that it cannot reach the report.
type logLine struct {
	TS     string `json:"ts"`
	Event  string `json:"event"`
	Rule   string `json:"rule"`
	DryRun bool   `json:"dry_run"`
	Action string `json:"action"`
	Rows   int    `json:"rows"`
	// Related rows of a rule's run, under their own action.
	Related []struct {
		Action string `json:"action"`
		Rows   int    `json:"rows"`
	} `json:"related"`
	Reminders       int    `json:"reminders"`
	RemindersFailed int    `json:"reminders_failed"`
	DurationMS      int64  `json:"duration_ms"`
	Capped          bool   `json:"capped"`
	Reason          string `json:"reason"`
}

// ruleDay is what one rule did on one day.
type ruleDay struct {
	Day, Rule       string
	Runs, Failed    int
	Skipped, Capped int
	Rows            map[string]int // by action
	Erased          int            // rows erased on request
	Reminders       int
	RemindersFailed int
	RunTime         time.Duration // all runs together
	Longest         time.Duration
}

func (d *ruleDay) handled() int {
	n := d.Erased
	for _, r := range d.Rows {
		n += r
	}
	return n
}

func (d *ruleDay) add(o *ruleDay) {
	d.Runs += o.Runs
	d.Failed += o.Failed
	d.Skipped += o.Skipped
	d.Capped += o.Capped
	for a, n := range o.Rows {
		d.Rows[a] += n
	}
	d.Erased += o.Erased
	d.Reminders += o.Reminders
	d.RemindersFailed += o.RemindersFailed
	d.RunTime += o.RunTime
	d.Longest = max(d.Longest, o.Longest)
}

// logStats is a log read so far.
type logStats struct {
	tz      *time.Location // nil: the day as logged
	days    map[[2]string]*ruleDay
	refused map[[2]string]int // runs the clock guard refused, by day and reason
	// lines read, events counted, and lines skipped (the first one's place).
	lines, events, skipped int
	firstSkipped           struct {
		name string
		line int
	}
}

func newLogStats(tz *time.Location) *logStats {
	return &logStats{tz: tz, days: map[[2]string]*ruleDay{}, refused: map[[2]string]int{}}
}

// logTimeLayouts are the forms of ts: zap's ISO 8601 as the sweeper writes
// it, and RFC 3339.
var logTimeLayouts = []string{"2006-01-02T15:04:05.000Z0700", time.RFC3339Nano}

// read counts the events of one log.
func (st *logStats) read(r io.Reader, name string) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		st.lines++
		if !st.add(line) {
			st.skipped++
			if st.skipped == 1 {
				st.firstSkipped.name, st.firstSkipped.line = name, n
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("stats: read %s after line %d: %w", name, n, err)
	}
	return nil
}

// add counts one line, and reports whether it was a line of the sweeper's
// JSON log.
func (st *logStats) add(line string) bool {
	if !strings.HasPrefix(line, "{") {
		return false
	}
	var l logLine
	if err := json.Unmarshal([]byte(line), &l); err != nil || l.Event == "" {
		return false
	}
	var at time.Time
	for _, layout := range logTimeLayouts {
		if t, err := time.Parse(layout, l.TS); err == nil {
			at = t
			break
		}
	}
	if at.IsZero() {
		return false
	}
	if l.DryRun {
		return true // a dry run did nothing
	}
	if st.tz != nil {
		at = at.In(st.tz)
	}
	day := at.Format(dayLayout)
	switch l.Event {
	case "rule.done", "rule.error", "rule.skipped", "erase.done":
	case "run.refused":
		st.events++
		st.refused[[2]string{day, l.Reason}]++
		return true
	default:
		return true
	}
	if l.Rule == "" {
		return true
	}
	st.events++
	d := st.days[[2]string{day, l.Rule}]
	if d == nil {
		d = &ruleDay{Day: day, Rule: l.Rule, Rows: map[string]int{}}
		st.days[[2]string{day, l.Rule}] = d
	}
	switch l.Event {
	case "rule.skipped":
		d.Skipped++
		return true
	case "erase.done":
		d.Erased += l.Rows
		return true
	case "rule.error":
		d.Failed++
	}
	d.Runs++
	if l.Capped {
		d.Capped++
	}
	if l.Rows > 0 {
		d.Rows[l.Action] += l.Rows
	}
	for _, rc := range l.Related {
		if rc.Rows > 0 {
			d.Rows[rc.Action] += rc.Rows
		}
	}
	d.Reminders += l.Reminders
	d.RemindersFailed += l.RemindersFailed
	took := time.Duration(l.DurationMS) * time.Millisecond
	d.RunTime += took
	d.Longest = max(d.Longest, took)
	return true
}

// sorted returns the rule-days by day, then rule.
func (st *logStats) sorted() []*ruleDay {
	out := make([]*ruleDay, 0, len(st.days))
	for _, d := range st.days {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return out[i].Day < out[j].Day
		}
		return out[i].Rule < out[j].Rule
	})
	return out
}

// rules returns the rules in the log, by name.
func (st *logStats) rules() []string {
	var out []string
	for k := range st.days {
		if !slices.Contains(out, k[1]) {
			out = append(out, k[1])
		}
	}
	sort.Strings(out)
	return out
}

// span returns the first and last day of the log.
func (st *logStats) span() (first, last string) {
	for k := range st.days {
		if first == "" || k[0] < first {
			first = k[0]
		}
		last = max(last, k[0])
	}
	for k := range st.refused {
		if first == "" || k[0] < first {
			first = k[0]
		}
		last = max(last, k[0])
	}
	return first, last
}

// total adds up the rule-days.
func total(ds []*ruleDay) *ruleDay {
	t := &ruleDay{Rows: map[string]int{}}
	for _, d := range ds {
		t.add(d)
	}
	return t
}

// statsColumn is a column of the stats table; optional ones are shown
// only when the log has any.
type statsColumn struct {
	head     string
	value    func(*ruleDay) string
	optional bool
	any      func(*ruleDay) bool
}

// statsActions are the actions in the order the table lists them.
var statsActions = []sweeper.Action{sweeper.ActionDelete, sweeper.ActionAnonymise, sweeper.ActionDetach}

func statsColumns(all *ruleDay) []statsColumn {
	count := func(f func(*ruleDay) int) func(*ruleDay) string { return func(d *ruleDay) string { return itoa(f(d)) } }
	cols := []statsColumn{
		{head: ">RUNS", value: count(func(d *ruleDay) int { return d.Runs })},
		{head: ">FAILED", value: count(func(d *ruleDay) int { return d.Failed })},
		{head: ">SKIPPED", value: count(func(d *ruleDay) int { return d.Skipped }), optional: true,
			any: func(d *ruleDay) bool { return d.Skipped > 0 }},
		{head: ">CAPPED", value: count(func(d *ruleDay) int { return d.Capped }), optional: true,
			any: func(d *ruleDay) bool { return d.Capped > 0 }},
	}
	actions := slices.Clone(statsActions)
	for a := range all.Rows {
		if !slices.Contains(actions, sweeper.Action(a)) {
			actions = append(actions, sweeper.Action(a))
		}
	}
	for i, a := range actions {
		cols = append(cols, statsColumn{head: ">" + actionHead(a), value: count(func(d *ruleDay) int { return d.Rows[string(a)] }),
			// Deletions always have their column: a table of nothing else says so.
			optional: i > 0, any: func(d *ruleDay) bool { return d.Rows[string(a)] > 0 }})
	}
	cols = append(cols,
		statsColumn{head: ">ERASED", value: count(func(d *ruleDay) int { return d.Erased }), optional: true,
			any: func(d *ruleDay) bool { return d.Erased > 0 }},
		// A log of rules without a reminder has no reminder columns.
		statsColumn{head: ">REMINDERS", value: count(func(d *ruleDay) int { return d.Reminders }), optional: true,
			any: func(d *ruleDay) bool { return d.Reminders > 0 || d.RemindersFailed > 0 }},
		statsColumn{head: ">NOT SENT", value: count(func(d *ruleDay) int { return d.RemindersFailed }), optional: true,
			any: func(d *ruleDay) bool { return d.Reminders > 0 || d.RemindersFailed > 0 }},
		statsColumn{head: ">RUN TIME", value: func(d *ruleDay) string { return runTime(d.RunTime) }},
		statsColumn{head: ">LONGEST", value: func(d *ruleDay) string { return runTime(d.Longest) }},
	)
	var out []statsColumn
	for _, c := range cols {
		if !c.optional || c.any(all) {
			out = append(out, c)
		}
	}
	return out
}

// actionHead is an action's column head: DELETED, ANONYMISED, DETACHED.
func actionHead(a sweeper.Action) string {
	h := strings.ToUpper(string(a))
	if strings.HasSuffix(h, "E") {
		return h + "D"
	}
	return h + "ED"
}

// runTime writes a duration as short as it reads well: 840ms, 3.2s, 12m5s.
func runTime(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	default:
		return d.Round(time.Second).String()
	}
}

// statsSummary is the line above the table.
func statsSummary(st *logStats) string {
	first, last := st.span()
	days := first
	if last != first {
		days = first + " to " + last
	}
	return fmt.Sprintf("What the sweeper did, %s, per rule and day: %s in %s (dry runs not counted)",
		days, plural(len(st.rules()), "rule"), plural(st.lines, "log line"))
}

func writeStatsText(w io.Writer, st *logStats) error {
	ds := st.sorted()
	all := total(ds)
	cols := statsColumns(all)
	head := []string{"DAY", "RULE"}
	for _, c := range cols {
		head = append(head, c.head)
	}
	t := newTable(head...)
	row := func(day, rule string, d *ruleDay) {
		cells := []string{day, rule}
		for _, c := range cols {
			cells = append(cells, c.value(d))
		}
		t.add(cells...)
	}
	for _, d := range ds {
		row(d.Day, d.Rule, d)
	}
	t.line()
	row("TOTAL", "", all)
	fmt.Fprintf(w, "%s\n\n", statsSummary(st))
	if err := t.write(w); err != nil {
		return err
	}
	if len(st.refused) > 0 {
		fmt.Fprintf(w, "\nRuns the clock guard refused (nothing was touched):\n")
		rt := newTable("DAY", "REASON", ">RUNS")
		for _, r := range refusals(st) {
			rt.add(r.Day, r.Reason, itoa(r.Runs))
		}
		return rt.write(w)
	}
	return nil
}

// refusal is a day's runs the clock guard refused for a reason.
type refusal struct {
	Day, Reason string
	Runs        int
}

func refusals(st *logStats) []refusal {
	var out []refusal
	for k, n := range st.refused {
		out = append(out, refusal{Day: k[0], Reason: k[1], Runs: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return out[i].Day < out[j].Day
		}
		return out[i].Reason < out[j].Reason
	})
	return out
}
