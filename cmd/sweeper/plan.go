package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

const planUsage = `Usage: sweeper [-c FILE] plan [--rule NAME]... [--as-of TIME] [--format text|json] [-o FILE] [-v]

The dry-run report: per rule, the cutoff, the rows due now, the rows due in the
next 30 days and the oldest due row. Changes nothing; a read-only database user
is enough.

`

func (e *environment) plan(ctx context.Context, args []string) error {
	fs := e.flagSet("plan", planUsage)
	var rules stringList
	fs.Var(&rules, "rule", "rule to plan (repeatable; default: every enabled rule)")
	asOf := fs.String("as-of", "", "the sweeper's clock: RFC 3339, or YYYY-MM-DD for midnight in the configured timezone")
	format := fs.String("format", "text", "text or json")
	out := fs.String("o", "", "write the report to this file instead of standard output")
	verbose := fs.Bool("v", false, "show the SQL each rule runs")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageErrorf("plan: --format %q is not one of text, json", *format)
	}
	s, done, err := e.newSweeper(ctx)
	if err != nil {
		return err
	}
	defer done()
	at, err := parseAsOf(*asOf, s.Config.Sweeper.Timezone)
	if err != nil {
		return err
	}
	p, planErr := s.Plan(ctx, sweeper.PlanOptions{Rules: rules, AsOf: at})
	var pe *sweeper.PartialError
	if planErr != nil && !errors.As(planErr, &pe) {
		return planErr
	}
	w := e.stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		defer f.Close()
		w = f
	}
	switch *format {
	case "json":
		err = writePlanJSON(w, p)
	default:
		err = writePlanText(w, p, *verbose)
	}
	if err != nil {
		return fmt.Errorf("plan: write report: %w", err)
	}
	if pe != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d rules could not be planned: %w", len(pe.Failed), len(p.Rules), pe)}
	}
	return nil
}

// The JSON shapes of SPEC §4; field order as there.
type planJSON struct {
	AsOf  string         `json:"as_of"`
	Rules []rulePlanJSON `json:"rules"`
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
	Oldest           *string       `json:"oldest"`
	Related          []relatedJSON `json:"related"`
	Error            string        `json:"error,omitempty"`
}

type relatedJSON struct {
	Table  string `json:"table"`
	Action string `json:"action"`
	Rows   int    `json:"rows"`
}

func writePlanJSON(w io.Writer, p *sweeper.Plan) error {
	out := planJSON{AsOf: p.AsOf.Format(time.RFC3339), Rules: []rulePlanJSON{}}
	for _, r := range p.Rules {
		rj := rulePlanJSON{Name: r.Name, Table: r.Table, Action: string(r.Action), Due: r.Due,
			Reminders: r.Reminders, AwaitingReminder: r.AwaitingReminder, Upcoming30d: r.Upcoming30d,
			Related: []relatedJSON{}}
		if !r.Cutoff.IsZero() {
			rj.Cutoff = r.Cutoff.Format(time.RFC3339)
		}
		if r.Oldest != nil {
			s := r.Oldest.Format(time.RFC3339)
			rj.Oldest = &s
		}
		for _, rc := range r.Related {
			rj.Related = append(rj.Related, relatedJSON{Table: rc.Table, Action: string(rc.Action), Rows: rc.Rows})
		}
		if r.Err != nil {
			rj.Error = r.Err.Error()
		}
		out.Rules = append(out.Rules, rj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writePlanText(w io.Writer, p *sweeper.Plan, verbose bool) error {
	fmt.Fprintf(w, "Plan as of %s (nothing has been changed)\n\n", p.AsOf.Format("2006-01-02 15:04:05 MST"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tTABLE\tACTION\tOLDER THAN\tCUTOFF\tDUE\tREMINDERS\tAWAITING\tNEXT 30 DAYS\tOLDEST DUE\t")
	var due, rem, await, up int
	for _, r := range p.Rules {
		if r.Err != nil {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\t\t\t\t\t\t\n", r.Name, r.Table, r.Action, "ERROR")
			continue
		}
		oldest := "-"
		if r.Oldest != nil {
			oldest = r.Oldest.Format("2006-01-02")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\t\n", r.Name, r.Table, r.Action, r.OlderThan,
			r.Cutoff.Format("2006-01-02 15:04"), r.Due, r.Reminders, r.AwaitingReminder, r.Upcoming30d, oldest)
		due += r.Due
		rem += r.Reminders
		await += r.AwaitingReminder
		up += r.Upcoming30d
	}
	fmt.Fprintf(tw, "TOTAL\t\t\t\t\t%d\t%d\t%d\t%d\t\t\n", due, rem, await, up)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range p.Rules {
		var lines []string
		if r.Err != nil {
			lines = append(lines, "error: "+r.Err.Error())
		}
		if r.Basis != "" {
			lines = append(lines, "basis: "+r.Basis)
		}
		for _, rc := range r.Related {
			lines = append(lines, fmt.Sprintf("related: %s %s %d rows", rc.Table, rc.Action, rc.Rows))
		}
		if verbose && r.SQL != "" {
			lines = append(lines, "sql: "+r.SQL, fmt.Sprintf("args: %v", r.Args))
		}
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s\n  %s\n", r.Name, strings.Join(lines, "\n  "))
	}
	return nil
}
