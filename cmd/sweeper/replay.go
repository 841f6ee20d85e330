package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

const replayUsage = `Usage: sweeper [-c FILE] replay --since TIME [--from FILE] [--dry-run] [--force]

After a backup taken at TIME was restored: re-applies every deletion and
anonymisation the audit records from TIME on, so that rows erased or swept
since the backup do not come back with it. Each record's rule applies its
action to the record's row again (related rows and files as the rule has
them), whatever where and the age say now, and writes an audit record whose
detail says "replay of run ...". Rows already gone are skipped; rows of a
person under a hold (now, or by a hold recorded since TIME) are reported and
not touched.

The records come from --from FILE, the output of
"sweeper audit --since TIME --format json" saved before the restore, or
without it from the audit table, which must be one the restore did not touch
(README, "Backups and restores"). --dry-run says what it would do and writes
nothing. Exit 0 when every record was replayed or needed nothing; 1 when a
rule failed or records could not be replayed (their rule is gone, or now does
something else).

`

func (e *environment) replay(ctx context.Context, args []string) error {
	fs := e.flagSet("replay", replayUsage)
	since := fs.String("since", "", "when the restored backup was taken (required); "+asOfHelp)
	from := fs.String("from", "", `the records: a file "sweeper audit --format json" wrote before the restore ("-" for standard input)`)
	dryRun := fs.Bool("dry-run", false, "say what would be replayed; write nothing")
	force := fs.Bool("force", false, "run past the clock guard, accepting the clock")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *since == "" {
		fs.Usage()
		return usageErrorf("replay: --since is required: when the restored backup was taken")
	}
	s, done, err := e.newWorker(ctx)
	if err != nil {
		return err
	}
	defer done()
	tz := s.Config.Sweeper.Timezone
	opt := sweeper.ReplayOptions{DryRun: *dryRun, Force: *force}
	if opt.Since, err = parseTimeFlag("--since", *since, tz); err != nil {
		return err
	}
	source := "the audit table " + s.Config.Sweeper.AuditTable
	if *from != "" {
		var in io.Reader = e.stdin
		source = "standard input"
		if *from != "-" {
			f, err := os.Open(*from)
			if err != nil {
				return usageErrorf("replay: --from: %v", err)
			}
			defer f.Close()
			in, source = f, *from
		}
		opt.Records = func(fn func(sweeper.AuditRecord) error) error { return readAuditJSON(in, fn) }
	}
	rp, err := s.Replay(ctx, opt)
	if rp != nil {
		writeReplay(e, s, rp, opt.Since.In(tz), source)
	}
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	if n := skippedRecords(rp); n > 0 {
		return &exitError{code: exitFailed, err: fmt.Errorf("replay: %s could not be replayed", plural(n, "record"))}
	}
	return nil
}

func skippedRecords(rp *sweeper.Replay) int {
	n := 0
	for _, sk := range rp.Skipped {
		n += sk.Records
	}
	return n
}

// readAuditJSON streams the records of "audit --format json" to fn.
func readAuditJSON(r io.Reader, fn func(sweeper.AuditRecord) error) error {
	dec := json.NewDecoder(r)
	bad := func(what string) error {
		return fmt.Errorf(`not the output of "sweeper audit --format json": %s`, what)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return bad("it does not start with an object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return bad(err.Error())
		}
		if t != "records" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return bad(err.Error())
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return bad(`"records" is not a list`)
		}
		for dec.More() {
			var rj auditRecordJSON
			if err := dec.Decode(&rj); err != nil {
				return bad(err.Error())
			}
			at, err := time.Parse(time.RFC3339Nano, rj.At)
			if err != nil {
				return bad(fmt.Sprintf("record %d: at %q is not RFC 3339", rj.ID, rj.At))
			}
			rec := sweeper.AuditRecord{ID: rj.ID, RunID: rj.RunID, At: at, Rule: rj.Rule, Table: rj.Table, RowKey: rj.RowKey,
				Action: rj.Action, Detail: rj.Detail}
			if rj.ParentKey != nil {
				rec.ParentKey = *rj.ParentKey
			}
			if err := fn(rec); err != nil {
				return err
			}
		}
		return nil
	}
	return bad(`it has no "records"`)
}

// writeReplay writes per rule and original run what the replay did, the
// records it skipped, and the people held since the backup.
func writeReplay(e *environment, s *sweeper.Sweeper, rp *sweeper.Replay, since time.Time, source string) {
	w := e.stdout
	verb := "run " + rp.RunID
	if rp.DryRun {
		verb = "dry run: nothing was written"
	}
	fmt.Fprintf(w, "replay of %s since %s, from %s (%s):\n", plural(rp.Records, "audit record"), since.Format(holdLayout), source, verb)
	t := newTable("RULE", "TABLE", "ACTION", "RUN", "RESULT")
	for _, g := range rp.Groups {
		result := ""
		switch {
		case g.Err != nil:
			result = "FAILED: " + g.Err.Error()
		default:
			result = strings.ReplaceAll(outcomeCounts(g.Result), "gone already", "already gone")
		}
		t.add(g.Rule, g.Table, string(g.Action), g.RunID, result)
	}
	if len(rp.Groups) == 0 {
		fmt.Fprintln(w, "no deletion or anonymisation was recorded since then")
	} else {
		t.write(w)
	}
	for _, sk := range rp.Skipped {
		fmt.Fprintf(w, "not replayed: %s of rule %q: %s\n", plural(sk.Records, "record"), sk.Rule, sk.Reason)
	}
	if len(rp.HeldSince) == 0 {
		return
	}
	table := ""
	if s.Config.Subject != nil {
		table = s.Config.Subject.Table + " "
	}
	holds, _ := s.Holds(context.Background())
	for _, k := range rp.HeldSince {
		inForce := false
		for _, h := range holds {
			inForce = inForce || (h.Active && h.KeyString() == k)
		}
		if inForce {
			fmt.Fprintf(w, "held since the backup: %s%s; the hold is in force\n", table, k)
			continue
		}
		fmt.Fprintf(w, "held since the backup: %s%s, but the restored holds table has no such hold: place it again "+
			"(sweeper hold --subject %s --reason ...)\n", table, k, k)
	}
}
