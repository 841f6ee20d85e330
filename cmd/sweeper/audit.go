package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sweeperd/sweeper/sweeper"
)

const auditUsage = `Usage: sweeper [-c FILE] audit [--rule NAME]... [--table NAME]... [--key VALUE]...
                     [--since TIME] [--until TIME] [--run ID] [--format text|json|csv]

What was done to which row, when, by which rule: the audit records the
sweeper wrote, oldest first, with totals per rule and action. Answers "was my
data deleted?": sweeper audit --table customers --key 4711 lists the row's
own records (delete or anonymise, reminder, file) and those of the related
rows that went with it (PARENT is the row's key).
Reads only; works with a read-only database user.

`

var auditFormats = []string{"text", "json", "csv"}

func (e *environment) audit(ctx context.Context, args []string) error {
	fs := e.flagSet("audit", auditUsage)
	var rules, tables, keys stringList
	fs.Var(&rules, "rule", "only records of this rule (repeatable)")
	fs.Var(&tables, "table", "only records of rows of this table (repeatable); a key names a row only together with its table")
	fs.Var(&keys, "key", "only records of the row with this key (repeatable); a key of bytes in hex")
	since := fs.String("since", "", "only records from this moment on: RFC 3339, or YYYY-MM-DD for midnight in the configured timezone")
	until := fs.String("until", "", "only records before this moment: RFC 3339, or YYYY-MM-DD")
	runID := fs.String("run", "", "only records of this run")
	format := fs.String("format", "text", strings.Join(auditFormats, ", "))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !slices.Contains(auditFormats, *format) {
		return usageErrorf("audit: --format %q is not one of %s", *format, strings.Join(auditFormats, ", "))
	}
	s, done, err := e.newSweeper(ctx)
	if err != nil {
		return err
	}
	defer done()
	tz := s.Config.Sweeper.Timezone
	f := sweeper.AuditFilter{Rules: rules, Tables: tables, Keys: keys, RunID: *runID}
	if f.Since, err = parseTimeFlag("--since", *since, tz); err != nil {
		return err
	}
	if f.Until, err = parseTimeFlag("--until", *until, tz); err != nil {
		return err
	}

	sum, err := s.AuditSummary(ctx, f)
	if errors.Is(err, sweeper.ErrNoAudit) {
		// Nothing was ever swept: an empty answer, not a failure.
		fmt.Fprintf(e.stderr, "audit: no audit records yet (table %q does not exist: no sweep has written to it)\n", s.Config.Sweeper.AuditTable)
		switch *format {
		case "json":
			return writeAuditJSON(ctx, e.stdout, s, f, sweeper.AuditSummary{})
		case "csv":
			return writeAuditCSV(ctx, e.stdout, s, f)
		}
		fmt.Fprintln(e.stdout, "no audit records yet")
		return nil
	}
	if err != nil {
		return err
	}
	if len(f.Keys) > 0 && !sum.ParentKeys {
		fmt.Fprintf(e.stderr, "audit: table %q was created by an earlier version and has no parent_key column: "+
			"only the row's own records are listed, not those of related rows that went with it ('sweeper check' says how to add it)\n",
			s.Config.Sweeper.AuditTable)
	}
	f.MaxID = sum.MaxID
	if sum.MaxID == 0 {
		// An empty table: no record can match, and reading it again would
		// read records written since.
		f.MaxID = -1
	}
	w := bufio.NewWriter(e.stdout)
	switch *format {
	case "json":
		err = writeAuditJSON(ctx, w, s, f, sum)
	case "csv":
		err = writeAuditCSV(ctx, w, s, f)
	default:
		err = writeAuditText(ctx, w, s, f, sum, tz)
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return err
}

// eachRecord reads the records of f; with no audit table there are none.
func eachRecord(ctx context.Context, s *sweeper.Sweeper, f sweeper.AuditFilter, fn func(sweeper.AuditRecord) error) error {
	if f.MaxID < 0 {
		return nil
	}
	err := s.EachAuditRecord(ctx, f, fn)
	if errors.Is(err, sweeper.ErrNoAudit) {
		return nil
	}
	return err
}

func filterText(f sweeper.AuditFilter, tz *time.Location) string {
	var parts []string
	add := func(name string, vals []string) {
		if len(vals) > 0 {
			parts = append(parts, name+" "+strings.Join(vals, ", "))
		}
	}
	add("rule", f.Rules)
	add("table", f.Tables)
	add("key", f.Keys)
	if !f.Since.IsZero() {
		parts = append(parts, "since "+f.Since.In(tz).Format("2006-01-02 15:04 MST"))
	}
	if !f.Until.IsZero() {
		parts = append(parts, "until "+f.Until.In(tz).Format("2006-01-02 15:04 MST"))
	}
	if f.RunID != "" {
		parts = append(parts, "run "+f.RunID)
	}
	return strings.Join(parts, "; ")
}

// writeAuditText streams the records as aligned columns, the widths taken
// from the summary, then the totals.
func writeAuditText(ctx context.Context, w io.Writer, s *sweeper.Sweeper, f sweeper.AuditFilter, sum sweeper.AuditSummary, tz *time.Location) error {
	ft := filterText(f, tz)
	if sum.Records == 0 {
		if ft == "" {
			fmt.Fprintln(w, "The audit table is empty: the sweeper has not touched a row yet.")
		} else {
			fmt.Fprintf(w, "No audit records of %s: the sweeper has done nothing to such a row.\n", ft)
		}
		return nil
	}
	which := plural(sum.Records, "audit record")
	if ft != "" {
		which += " of " + ft
	}
	fmt.Fprintf(w, "%s, oldest first; times in %s:\n\n", which, tz)
	ruleW, actW := len("RULE"), len("ACTION")
	for _, t := range sum.Totals {
		ruleW, actW = max(ruleW, utf8.RuneCountInString(t.Rule)), max(actW, utf8.RuneCountInString(t.Action))
	}
	tableW, keyW, parentW := max(len("TABLE"), sum.TableWidth), max(len("KEY"), sum.KeyWidth), max(len("PARENT"), sum.ParentWidth)
	const atW = len("2006-01-02 15:04:05 CEST")
	pad := func(s string, n int) string {
		if d := n - utf8.RuneCountInString(s); d > 0 {
			return s + strings.Repeat(" ", d)
		}
		return s
	}
	line := func(at, rule, table, key, parent, action, run, detail string) {
		l := strings.Join([]string{pad(at, atW), pad(rule, ruleW), pad(table, tableW), pad(key, keyW), pad(parent, parentW),
			pad(action, actW), pad(run, 16), detail}, "  ")
		fmt.Fprintln(w, strings.TrimRight(l, " "))
	}
	line("AT", "RULE", "TABLE", "KEY", "PARENT", "ACTION", "RUN", "DETAIL")
	err := eachRecord(ctx, s, f, func(r sweeper.AuditRecord) error {
		line(r.At.In(tz).Format("2006-01-02 15:04:05 MST"), r.Rule, r.Table, r.RowKey, r.ParentKey, r.Action, r.RunID, r.Detail)
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nTotals:")
	t := newTable("RULE", "ACTION", ">RECORDS")
	for _, tot := range sum.Totals {
		t.add(tot.Rule, tot.Action, strconv.Itoa(tot.Records))
	}
	t.line()
	t.add("TOTAL", "", strconv.Itoa(sum.Records))
	return t.write(w)
}

type auditRecordJSON struct {
	ID     int64  `json:"id"`
	RunID  string `json:"run_id"`
	At     string `json:"at"`
	Rule   string `json:"rule"`
	Table  string `json:"table_name"`
	RowKey string `json:"row_key"`
	Action string `json:"action"`
	Detail string `json:"detail"`
	// ParentKey is null on the records of a rule's own rows.
	ParentKey *string `json:"parent_key"`
}

type auditTotalJSON struct {
	Rule    string `json:"rule"`
	Action  string `json:"action"`
	Records int    `json:"records"`
}

// writeAuditJSON writes one object: the records (streamed), the totals per
// rule and action, and the total.
func writeAuditJSON(ctx context.Context, w io.Writer, s *sweeper.Sweeper, f sweeper.AuditFilter, sum sweeper.AuditSummary) error {
	if _, err := io.WriteString(w, "{\"records\": ["); err != nil {
		return err
	}
	n := 0
	err := eachRecord(ctx, s, f, func(r sweeper.AuditRecord) error {
		rec := auditRecordJSON{ID: r.ID, RunID: r.RunID, At: r.At.UTC().Format(time.RFC3339Nano), Rule: r.Rule,
			Table: r.Table, RowKey: r.RowKey, Action: r.Action, Detail: r.Detail}
		if r.ParentKey != "" {
			rec.ParentKey = &r.ParentKey
		}
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		sep := ",\n  "
		if n == 0 {
			sep = "\n  "
		}
		n++
		_, err = io.WriteString(w, sep+string(b))
		return err
	})
	if err != nil {
		return err
	}
	tots := []auditTotalJSON{}
	for _, t := range sum.Totals {
		tots = append(tots, auditTotalJSON(t))
	}
	tb, err := json.Marshal(tots)
	if err != nil {
		return err
	}
	end := "],\n"
	if n > 0 {
		end = "\n],\n"
	}
	_, err = fmt.Fprintf(w, "%s \"totals\": %s,\n \"total\": %d}\n", end, tb, sum.Records)
	return err
}

// writeAuditCSV writes a header and one row per record; the totals belong
// to the text and JSON forms.
func writeAuditCSV(ctx context.Context, w io.Writer, s *sweeper.Sweeper, f sweeper.AuditFilter) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "run_id", "at", "rule", "table_name", "row_key", "action", "detail", "parent_key"}); err != nil {
		return err
	}
	err := eachRecord(ctx, s, f, func(r sweeper.AuditRecord) error {
		return cw.Write([]string{strconv.FormatInt(r.ID, 10), r.RunID, r.At.UTC().Format(time.RFC3339Nano), r.Rule, r.Table,
			r.RowKey, r.Action, r.Detail, r.ParentKey})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
