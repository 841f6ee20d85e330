package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/sweeperd/sweeper/sweeper"
)

const sweepUsage = `Usage: sweeper [-c FILE] sweep [--rule NAME]... [--dry-run] [--as-of TIME] [--force]

One pass over the named rules (default: every enabled rule), in config order,
then exit. Exit 0 when every rule ran, 1 when one failed (the others still ran).

`

func (e *environment) sweep(ctx context.Context, args []string) error {
	fs := e.flagSet("sweep", sweepUsage)
	var rules stringList
	fs.Var(&rules, "rule", "rule to run (repeatable; default: every enabled rule)")
	dryRun := fs.Bool("dry-run", false, "count what would be done; write nothing, send nothing")
	asOf := fs.String("as-of", "", "the sweeper's clock: RFC 3339, or YYYY-MM-DD for midnight in the configured timezone")
	force := fs.Bool("force", false, "run past the max_fraction circuit breaker")
	if err := parseFlags(fs, args); err != nil {
		return err
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
	rep, err := s.Sweep(ctx, sweeper.SweepOptions{Rules: rules, AsOf: at, DryRun: *dryRun, Force: *force})
	if rep != nil {
		writeReport(e.stdout, rep)
	}
	var pe *sweeper.PartialError
	if errors.As(err, &pe) {
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %s failed: %w", len(pe.Failed), plural(len(rep.Rules), "rule"), err)}
	}
	return err
}

func writeReport(w io.Writer, rep *sweeper.Report) {
	verb := "done"
	if rep.DryRun {
		verb = "would do (dry run: nothing was written)"
	}
	fmt.Fprintf(w, "sweep %s as of %s, run %s:\n", verb, rep.AsOf.Format("2006-01-02 15:04:05 MST"), rep.RunID)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tTABLE\tACTION\tROWS\tRELATED\tRESULT")
	for _, r := range rep.Rules {
		result := "ok"
		switch {
		case r.Err != nil:
			result = "FAILED: " + r.Err.Error()
		case r.Skipped != "":
			result = "skipped: " + r.Skipped
		case r.Capped:
			result = "capped: more rows wait for the next run"
		}
		related := "-"
		if len(r.Related) > 0 {
			related = ""
			for i, rc := range r.Related {
				if i > 0 {
					related += ", "
				}
				related += fmt.Sprintf("%s %s %d", rc.Table, rc.Action, rc.Rows)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", r.Name, r.Table, r.Action, r.Rows, related, result)
	}
	tw.Flush()
}
