package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/sweeperd/sweeper/sweeper"
)

const eraseUsage = `Usage: sweeper [-c FILE] erase --rule NAME --key VALUE [--key VALUE]... [--dry-run] [--force]
       sweeper [-c FILE] erase --subject VALUE [--dry-run] [--force]

A data subject's request: applies the rule's action (related rows, files,
audit records marked "on request") to the rows with these keys now, whatever
their age. The rule's where still applies, so a row held there is not erased;
no reminder is sent. Says which keys it did not erase and why.
Exit 0 when every key was erased, 1 when some were not (or the clock is
behind the newest audit record: --force runs anyway, accepting the clock).
Keys may also follow the flags: erase --rule account-idle-5y --key 17 18 19;
a key that starts with "-" is given as --key=-17. A key of bytes (BINARY(16),
bytea) is given in hex, as the audit records show it (0x optional).

With --subject, the whole person VALUE names (the subject key, or a value of
a match column of the [subject] data map): every enabled rule on a mapped
table applies its action to that person's rows, in config order; a rule with
keep_on_request keeps them, and the output lists them under its basis. A
person under a hold is refused (exit 1, nothing erased). Rows a rule's where
does not select stay, and are listed with it. Exit 0 when every rule did its
part; 1 when a rule failed.

`

func (e *environment) erase(ctx context.Context, args []string) error {
	fs := e.flagSet("erase", eraseUsage)
	rule := fs.String("rule", "", "the rule whose action is applied (required without --subject)")
	subject := fs.String("subject", "", "erase the whole person this value names, by every rule on the data map")
	var keys stringList
	fs.Var(&keys, "key", "the key of a row to erase (repeatable)")
	dryRun := fs.Bool("dry-run", false, "say what would be erased; write nothing")
	force := fs.Bool("force", false, "run past the clock guard (a clock behind the newest audit record), accepting the clock")
	// Keys may stand between and after the flags: "--key 1 2 3 --dry-run".
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return &exitError{code: exitInvalid, err: err}
		}
		rest = fs.Args()
		for len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
			keys = append(keys, rest[0])
			rest = rest[1:]
		}
		if len(rest) == 0 {
			break
		}
	}
	if *subject != "" {
		if *rule != "" || len(keys) > 0 {
			fs.Usage()
			return usageErrorf("erase: --subject erases by every rule on the data map: give it without --rule and --key")
		}
		return e.eraseSubject(ctx, *subject, *dryRun, *force)
	}
	if *rule == "" {
		fs.Usage()
		return usageErrorf("erase: --rule (or --subject) is required")
	}
	if len(keys) == 0 {
		fs.Usage()
		return usageErrorf("erase: give at least one --key")
	}
	s, done, err := e.newWorker(ctx)
	if err != nil {
		return err
	}
	defer done()
	res, err := s.Erase(ctx, sweeper.EraseOptions{Rule: *rule, Keys: keys, DryRun: *dryRun, Force: *force})
	if res != nil {
		writeEraseReport(e, res)
	}
	if err != nil {
		return err
	}
	if n := len(res.Keys) - res.Erased(); n > 0 {
		verb := "were"
		switch {
		case res.DryRun:
			verb = "would be"
		case n == 1:
			verb = "was"
		}
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %s %s not erased", n, plural(len(res.Keys), "key"), verb)}
	}
	return nil
}

func writeEraseReport(e *environment, res *sweeper.EraseResult) {
	w := e.stdout
	if res.DryRun {
		fmt.Fprintf(w, "erase --dry-run (nothing was written): rule %s (%s %s), on request\n", res.Rule, res.Action, res.Table)
	} else {
		fmt.Fprintf(w, "erase on request: rule %s (%s %s), run %s\n", res.Rule, res.Action, res.Table, res.RunID)
	}
	yes := "erased"
	if res.DryRun {
		yes = "would be erased"
	}
	t := newTable("KEY", "RESULT")
	for _, k := range res.Keys {
		if k.Erased {
			t.add(k.Key, yes)
		} else {
			t.add(k.Key, "not erased: "+k.Reason)
		}
	}
	t.write(w)
	if len(res.Related) > 0 {
		fmt.Fprintln(w, strings.Join(wrapList("related rows: ", relatedItems(res.Related)), "\n"))
	}
	fmt.Fprintf(w, "%d of %s %s\n", res.Erased(), plural(len(res.Keys), "key"), yes)
}

func (e *environment) eraseSubject(ctx context.Context, value string, dryRun, force bool) error {
	s, done, err := e.newWorker(ctx)
	if err != nil {
		return err
	}
	defer done()
	er, err := s.EraseSubject(ctx, sweeper.EraseSubjectOptions{Subject: value, DryRun: dryRun, Force: force})
	if er != nil {
		writeSubjectErasure(e, er)
	}
	if err != nil {
		return fmt.Errorf("erase --subject: %w", err)
	}
	return nil
}

// writeSubjectErasure writes what an erasure of a person did per rule,
// then the rows kept under a legal duty.
func writeSubjectErasure(e *environment, er *sweeper.SubjectErasure) {
	w := e.stdout
	who := er.Person.Table + " " + er.Person.KeyString()
	if er.DryRun {
		fmt.Fprintf(w, "erase --subject --dry-run (nothing was written): %s\n", who)
	} else {
		fmt.Fprintf(w, "erase on request of %s, run %s\n", who, er.RunID)
	}
	t := newTable("RULE", "TABLE", "ACTION", "RESULT")
	var kept []sweeper.SubjectRule
	for _, r := range er.Rules {
		switch {
		case r.Err != nil:
			t.add(r.Rule, r.Table, string(r.Action), "FAILED: "+r.Err.Error())
		case r.Kept && len(r.KeptKeys) == 0:
			t.add(r.Rule, r.Table, string(r.Action), "no rows of the person (keep_on_request)")
		case r.Kept:
			kept = append(kept, r)
			t.add(r.Rule, r.Table, string(r.Action), fmt.Sprintf("kept: %s (keep_on_request)", plural(len(r.KeptKeys), "row")))
		default:
			t.add(r.Rule, r.Table, string(r.Action), outcomeCounts(r.Result))
			var rel []sweeper.RelatedCount
			for _, rc := range r.Result.Related {
				if rc.Rows > 0 {
					rel = append(rel, rc)
				}
			}
			if len(rel) > 0 {
				t.note(wrapList("  related: ", relatedItems(rel))...)
			}
		}
	}
	t.write(w)
	if len(kept) == 0 {
		return
	}
	fmt.Fprintln(w, "\nKept, under the rule's basis:")
	for _, r := range kept {
		keys := r.KeptKeys
		more := ""
		if len(keys) > 20 {
			keys, more = keys[:20], fmt.Sprintf(" and %d more", len(r.KeptKeys)-20)
		}
		fmt.Fprintln(w, strings.Join(wrapText(fmt.Sprintf("  %s: %s ", r.Rule, r.Table), strings.Join(keys, ", ")+more), "\n"))
		fmt.Fprintln(w, strings.Join(wrapText("    basis: ", r.Basis), "\n"))
	}
}

// outcomeCounts sums up an erasure's keys by outcome: "2 erased, 1 held
// by where: ...".
func outcomeCounts(res *sweeper.EraseResult) string {
	if len(res.Keys) == 0 {
		return "no rows of the person"
	}
	yes := "erased"
	if res.DryRun {
		yes = "would be erased"
	}
	counts := map[string]int{}
	var order []string
	for _, k := range res.Keys {
		what := yes
		if !k.Erased {
			what = k.Reason
			if k.Reason == sweeper.ReasonNoSuchRow {
				what = "gone already"
			}
		}
		if counts[what] == 0 {
			order = append(order, what)
		}
		counts[what]++
	}
	parts := make([]string, len(order))
	for i, what := range order {
		parts[i] = fmt.Sprintf("%d %s", counts[what], what)
	}
	return strings.Join(parts, ", ")
}
