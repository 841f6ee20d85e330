package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

const exportUsage = `Usage: sweeper [-c FILE] export --subject VALUE [-o FILE]

A data subject's request for access or a copy of their data (GDPR art. 15
and 20): everything the [subject] data map finds for the person VALUE names
(the subject key, or a value of a match column such as the e-mail
address), as one JSON document: the person's row and every row linked to it,
values as stored, times in RFC 3339, binary values in base64. It only reads,
and writes one export audit record (the tables and their row counts, never
a value). -o FILE is created readable by its owner only, and never
overwritten; without it the document goes to standard output.
Exit 0 when exported; 1 when VALUE names nobody or more than one person
(nothing is read or written).

`

func (e *environment) export(ctx context.Context, args []string) error {
	fs := e.flagSet("export", exportUsage)
	subject := fs.String("subject", "", "the person: the subject key, or a value of a match column (required)")
	out := fs.String("o", "", "write the document to this new file (mode 0600) instead of standard output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *subject == "" {
		fs.Usage()
		return usageErrorf("export: --subject is required")
	}
	if *out != "" {
		if err := notThere("export", *out); err != nil {
			return err
		}
	}
	s, done, err := e.newSweeper(ctx)
	if err != nil {
		return err
	}
	defer done()
	ex, err := s.Export(ctx, *subject)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	doc, err := exportJSON(ex)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if *out == "" {
		_, err := e.stdout.Write(doc)
		return err
	}
	if err := writeNew("export", *out, doc, 0o600); err != nil {
		return err
	}
	rows := 0
	for _, t := range ex.Tables {
		rows += len(t.Rows)
	}
	fmt.Fprintf(e.stderr, "export: %s of %s %s from %s written to %s (audit run %s)\n", plural(rows, "row"), ex.Subject.Table,
		ex.Subject.KeyString(), plural(len(ex.Tables), "table"), *out, ex.RunID)
	return nil
}

// notThere refuses a file that exists before anything is read for it.
func notThere(cmd, path string) error {
	_, err := os.Lstat(path)
	switch {
	case err == nil:
		return usageErrorf("%s: %s exists; it is never overwritten", cmd, path)
	case errors.Is(err, fs.ErrNotExist):
		return nil
	default:
		return fmt.Errorf("%s: %w", cmd, err)
	}
}

// exportJSON writes an export as docs/contract.md §6.1 has it, the tables
// in the map's order and each row's columns in the table's.
func exportJSON(ex *sweeper.Export) ([]byte, error) {
	var b bytes.Buffer
	var err error
	// put writes text and then v as JSON; the first error sticks.
	put := func(text string, v any) {
		if err != nil {
			return
		}
		b.WriteString(text)
		var j []byte
		if j, err = json.Marshal(v); err == nil {
			b.Write(j)
		}
	}
	put(`{"subject": {"table": `, ex.Subject.Table)
	put(`, "key": `, ex.Subject.Key)
	put("},\n \"exported_at\": ", ex.ExportedAt.UTC().Format(time.RFC3339))
	b.WriteString(",\n \"tables\": {")
	for i, t := range ex.Tables {
		sep := "\n  "
		if i > 0 {
			sep = ",\n  "
		}
		put(sep, t.Name)
		b.WriteString(": [")
		for j, row := range t.Rows {
			sep := "\n   {"
			if j > 0 {
				sep = ",\n   {"
			}
			for k, col := range t.Columns {
				if k > 0 {
					sep = ", "
				}
				put(sep, col)
				put(": ", row[k])
			}
			b.WriteString("}")
		}
		if len(t.Rows) > 0 {
			b.WriteString("\n  ")
		}
		b.WriteString("]")
	}
	b.WriteString("\n }}\n")
	return b.Bytes(), err
}
