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

A data subject's request: applies the rule's action (related rows, files,
audit records marked "on request") to the rows with these keys now, whatever
their age. The rule's where still applies, so a row held there is not erased;
no reminder is sent. Says which keys it did not erase and why.
Exit 0 when every key was erased, 1 when some were not (or the clock is
behind the newest audit record: --force runs anyway, accepting the clock).
Keys may also follow the flags: erase --rule account-idle-5y --key 17 18 19;
a key that starts with "-" is given as --key=-17. A key of bytes (BINARY(16),
bytea) is given in hex, as the audit records show it (0x optional).

`

func (e *environment) erase(ctx context.Context, args []string) error {
	fs := e.flagSet("erase", eraseUsage)
	rule := fs.String("rule", "", "the rule whose action is applied (required)")
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
	if *rule == "" {
		fs.Usage()
		return usageErrorf("erase: --rule is required")
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
