package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

const sweepUsage = `Usage: sweeper [-c FILE] sweep [--rule NAME]... [--dry-run] [--as-of TIME] [--force]

One pass over the named rules (default: every enabled rule), in config order,
then exit. Exit 0 when every rule ran, 1 when one failed (the others still ran)
or the clock is behind the newest audit record, 2 on bad usage, such as an
--as-of later than the clock without --force (nothing is touched then).
--as-of moves the cutoffs only: audit records carry the real time.

`

func (e *environment) sweep(ctx context.Context, args []string) error {
	fs := e.flagSet("sweep", sweepUsage)
	var rules stringList
	fs.Var(&rules, "rule", "rule to run (repeatable; default: every enabled rule)")
	dryRun := fs.Bool("dry-run", false, "count what would be done; write nothing, send nothing")
	asOf := fs.String("as-of", "", asOfHelp)
	force := fs.Bool("force", false, "run past the max_fraction circuit breaker and the clock guard")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, done, err := e.newWorker(ctx)
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
	if errors.Is(err, sweeper.ErrAsOfAhead) {
		// The command line asked for it: bad usage, and nothing was touched.
		return &exitError{code: exitInvalid, err: err}
	}
	var pe *sweeper.PartialError
	if errors.As(err, &pe) {
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %s failed: %w", len(pe.Failed), plural(len(rep.Rules), "rule"), err)}
	}
	return err
}

// throttledNote says how long the pace held a rule's run back, by reason
// (sweeper.ThrottleReasons), or "" when it did not.
func throttledNote(r sweeper.RuleReport) string {
	var parts []string
	for _, reason := range sweeper.ThrottleReasons {
		if d := r.Throttled[reason]; d > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", reason, d.Round(time.Millisecond)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("  throttled: %s (%s)", r.ThrottledTotal().Round(time.Millisecond), strings.Join(parts, ", "))
}

// writeReport writes a sweep's report: a row per rule with the rows done
// (or, in a dry run, that would be), the reminders sent (would be sent) and
// the rows the reminder holds back, as plan counts them; the related rows
// below each rule, wrapped to fit the terminal; then what went wrong.
func writeReport(w io.Writer, rep *sweeper.Report) {
	verb := "done"
	if rep.DryRun {
		verb = "would do (dry run: nothing was written)"
	}
	fmt.Fprintf(w, "sweep %s as of %s, run %s:\n", verb, rep.AsOf.Format("2006-01-02 15:04:05 MST"), rep.RunID)
	reminders := ">REMINDERS SENT"
	if rep.DryRun {
		reminders = ">REMINDERS"
	}
	t := newTable("RULE", "TABLE", "ACTION", ">ROWS", reminders, ">AWAITING", "RESULT")
	var notes []string
	for _, r := range rep.Rules {
		result := "ok"
		switch {
		case r.Err != nil:
			result = "FAILED"
			notes = append(notes, r.Name+": "+r.Err.Error())
		case r.Skipped != "":
			result = "skipped"
			notes = append(notes, r.Name+": skipped: "+r.Skipped)
		case r.Capped:
			result = "capped"
			notes = append(notes, r.Name+": capped: more rows wait for the next run")
		}
		sent, awaiting := "-", "-"
		if r.Reminder {
			sent, awaiting = itoa(r.Reminders), itoa(r.AwaitingReminder)
		}
		t.add(r.Name, r.Table, string(r.Action), itoa(r.Rows), sent, awaiting, result)
		if len(r.Related) > 0 {
			t.note(wrapList("  related: ", relatedItems(r.Related))...)
		}
		if r.Held > 0 {
			t.note(fmt.Sprintf("  kept by holds: %s due by age", plural(r.Held, "row")))
		}
		if n := throttledNote(r); n != "" {
			t.note(n)
		}
	}
	t.write(w)
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
}
