package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

const planUsage = `Usage: sweeper [-c FILE] plan [--rule NAME]... [--as-of TIME] [--format text|json|csv|markdown|html]
                    [--forecast 12m] [-o FILE] [-v]

The dry-run report: per rule, the cutoff, the rows due now, the reminders to
send, the rows due in the next 30 days and the oldest due row. Changes
nothing; a read-only database user is enough.

Formats: text (aligned tables with totals, for a terminal), markdown (for a
ticket), csv (one row per rule, for a spreadsheet), json (docs/contract.md §4.1,
for machines), html (one self-contained page with a chart per rule of the rows
becoming due per month; write it with -o report.html).
Without --format, -o takes the format from the file's extension (.txt,
.md or .markdown, .csv, .json, .html or .htm); any other -o needs --format.
--forecast adds the rows becoming due per calendar month (json, csv, text,
markdown; html always has 12 months).

`

// planFormats are the values --format takes.
var planFormats = []string{"text", "json", "csv", "markdown", "html"}

// planFlags is plan's command line, read and checked before the database
// is opened: a mistyped flag costs no connection.
type planFlags struct {
	rules   stringList
	asOf    string
	format  string
	months  int // of forecast; 0 for none
	out     string
	verbose bool
}

func (e *environment) plan(ctx context.Context, args []string) error {
	o, err := e.parsePlanFlags(args)
	if err != nil {
		return err
	}
	s, done, err := e.newSweeper(ctx)
	if err != nil {
		return err
	}
	defer done()
	at, err := parseAsOf(o.asOf, s.Config.Sweeper.Timezone)
	if err != nil {
		return err
	}
	p, pe, err := planWithForecast(ctx, s, sweeper.PlanOptions{Rules: o.rules, AsOf: at}, o.months)
	if err != nil {
		return err
	}
	if err := e.writePlan(p, o, s.Config); err != nil {
		return err
	}
	if pe != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %s could not be planned: %w", len(pe.Failed), plural(len(p.Rules), "rule"), pe)}
	}
	return nil
}

func (e *environment) parsePlanFlags(args []string) (*planFlags, error) {
	o := &planFlags{}
	fs := e.flagSet("plan", planUsage)
	fs.Var(&o.rules, "rule", "rule to plan (repeatable; default: every enabled rule)")
	fs.StringVar(&o.asOf, "as-of", "", asOfHelp)
	fs.StringVar(&o.format, "format", "", strings.Join(planFormats, ", ")+" (default: from -o's extension, else text)")
	forecast := fs.String("forecast", "", "add the rows becoming due per month for this many months: 12m, 6m, 1y")
	fs.StringVar(&o.out, "o", "", "write the report to this file instead of standard output")
	fs.BoolVar(&o.verbose, "v", false, "show the SQL each rule runs (text and markdown)")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	if o.format == "" {
		f, err := formatFromFile(o.out)
		if err != nil {
			return nil, err
		}
		o.format = f
	}
	if !slices.Contains(planFormats, o.format) {
		return nil, usageErrorf("plan: --format %q is not one of %s", o.format, strings.Join(planFormats, ", "))
	}
	months, err := parseForecast(*forecast)
	if err != nil {
		return nil, err
	}
	if months == 0 && o.format == "html" {
		months = 12
	}
	o.months = months
	return o, nil
}

// planWithForecast plans and, when months > 0, adds the forecast. Rules
// that fail either step are gathered in one PartialError returned beside
// the plan, so the report still shows every rule that worked; any other
// error means there is no report.
func planWithForecast(ctx context.Context, s *sweeper.Sweeper, opts sweeper.PlanOptions, months int) (*sweeper.Plan, *sweeper.PartialError, error) {
	p, err := s.Plan(ctx, opts)
	var pe *sweeper.PartialError
	if err != nil && !errors.As(err, &pe) {
		return nil, nil, err
	}
	if months > 0 {
		if err := s.Forecast(ctx, p, months); err != nil {
			var fe *sweeper.PartialError
			if !errors.As(err, &fe) {
				return nil, nil, err
			}
			if pe == nil {
				pe = fe
			} else {
				pe.Failed = append(pe.Failed, fe.Failed...)
			}
		}
	}
	return p, pe, nil
}

// writePlan writes the report to standard output, or to -o; a file is
// only said to be written once it has been closed without error.
func (e *environment) writePlan(p *sweeper.Plan, o *planFlags, cfg *sweeper.Config) error {
	w := e.stdout
	var f *os.File
	if o.out != "" {
		var err error
		f, err = os.Create(o.out)
		if err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		defer f.Close()
		w = f
	}
	var err error
	switch o.format {
	case "json":
		err = writePlanJSON(w, p)
	case "csv":
		err = writePlanCSV(w, p)
	case "markdown":
		err = writePlanMarkdown(w, p, o.verbose)
	case "html":
		err = writePlanHTML(w, p, cfg, time.Now())
	default:
		err = writePlanText(w, p, o.verbose)
	}
	if err == nil && f != nil {
		err = f.Close()
	}
	if err != nil {
		return fmt.Errorf("plan: write report: %w", err)
	}
	if f != nil {
		fmt.Fprintf(e.stderr, "plan: wrote the %s report to %s\n", o.format, o.out)
	}
	return nil
}

// formatFromFile is the format of a plan written to path without --format;
// see reportFormat.
func formatFromFile(path string) (string, error) { return reportFormat("plan", path, planFormats) }

// parseForecast reads --forecast: a number of months ("12m", "12",
// "12 months", "P12M") or years ("1y", "1 year"), at most ten years.
func parseForecast(v string) (int, error) {
	v = strings.TrimSpace(strings.ToLower(v))
	if v == "" {
		return 0, nil
	}
	n, unit := 0, ""
	if m := forecastPattern.FindStringSubmatch(v); m != nil {
		n, _ = strconv.Atoi(m[1])
		unit = m[2]
	} else if p, err := sweeper.ParsePeriod(v); err == nil && p.Days == 0 {
		n = p.Years*12 + p.Months
	} else {
		return 0, usageErrorf("plan: --forecast %q is not a number of months (12m, 6m) or years (1y)", v)
	}
	if strings.HasPrefix(unit, "y") {
		n *= 12
	}
	if n < 1 || n > 120 {
		return 0, usageErrorf("plan: --forecast %q: give 1 to 120 months", v)
	}
	return n, nil
}

var forecastPattern = regexp.MustCompile(`^(\d+)\s*(m|mo|mon|month|months|y|yr|year|years)?$`)

// The JSON shapes of docs/contract.md §4.1; field order as there.
type planJSON struct {
	AsOf  string         `json:"as_of"`
	Rules []rulePlanJSON `json:"rules"`
	// Overlaps are pairs of rules whose due rows intersect; absent when
	// there are none, so the shape stays docs/contract.md §4.1's.
	Overlaps []overlapJSON `json:"overlaps,omitempty"`
}

// overlapJSON is two rules on one table whose due rows intersect.
type overlapJSON struct {
	Table  string `json:"table"`
	First  string `json:"first"`
	Second string `json:"second"`
	Rows   int    `json:"rows"`
	AtMost bool   `json:"at_most,omitempty"`
	Note   string `json:"note"`
	Error  string `json:"error,omitempty"`
}

type rulePlanJSON struct {
	Name             string        `json:"name"`
	Table            string        `json:"table"`
	Action           string        `json:"action"`
	Cutoff           string        `json:"cutoff"`
	Due              int           `json:"due"`
	Reminders        int           `json:"reminders"`
	AwaitingReminder int           `json:"awaiting_reminder"`
	Upcoming30d      int           `json:"upcoming_30d"`
	Held             int           `json:"held"`
	Oldest           *string       `json:"oldest"`
	Related          []relatedJSON `json:"related"`
	Forecast         []monthJSON   `json:"forecast,omitempty"`
	Error            string        `json:"error,omitempty"`
}

// monthJSON is one month of a forecast: "2026-11" and the rows becoming due in it.
type monthJSON struct {
	Month string `json:"month"`
	Rows  int    `json:"rows"`
}

type relatedJSON struct {
	Table  string `json:"table"`
	Action string `json:"action"`
	Rows   int    `json:"rows"`
	// Name is set for a table nested in another, or related twice.
	Name string `json:"name,omitempty"`
}

func writePlanJSON(w io.Writer, p *sweeper.Plan) error {
	out := planJSON{AsOf: p.AsOf.Format(time.RFC3339), Rules: []rulePlanJSON{}}
	for _, r := range p.Rules {
		rj := rulePlanJSON{Name: r.Name, Table: r.Table, Action: string(r.Action), Due: r.Due,
			Reminders: r.Reminders, AwaitingReminder: r.AwaitingReminder, Upcoming30d: r.Upcoming30d, Held: r.Held,
			Related: []relatedJSON{}}
		if !r.Cutoff.IsZero() {
			rj.Cutoff = r.Cutoff.Format(time.RFC3339)
		}
		if r.Oldest != nil {
			s := r.Oldest.Format(time.RFC3339)
			rj.Oldest = &s
		}
		for _, rc := range r.Related {
			rj.Related = append(rj.Related, relatedJSON{Table: rc.Table, Action: string(rc.Action), Rows: rc.Rows, Name: rc.Name})
		}
		for _, m := range r.Forecast {
			rj.Forecast = append(rj.Forecast, monthJSON{Month: m.Key(), Rows: m.Rows})
		}
		if r.Err != nil {
			rj.Error = r.Err.Error()
		}
		out.Rules = append(out.Rules, rj)
	}
	for _, o := range p.Overlaps {
		oj := overlapJSON{Table: o.Table, First: o.First, Second: o.Second, Rows: o.Rows, AtMost: o.AtMost, Note: overlapText(o)}
		if o.Err != nil {
			oj.Error = o.Err.Error()
		}
		out.Overlaps = append(out.Overlaps, oj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
