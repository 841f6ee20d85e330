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
	enc := func(v any) error {
		j, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(j)
		return nil
	}
	b.WriteString(`{"subject": {"table": `)
	if err := enc(ex.Subject.Table); err != nil {
		return nil, err
	}
	b.WriteString(`, "key": `)
	if err := enc(ex.Subject.Key); err != nil {
		return nil, err
	}
	b.WriteString("},\n \"exported_at\": ")
	if err := enc(ex.ExportedAt.UTC().Format(time.RFC3339)); err != nil {
		return nil, err
	}
	b.WriteString(",\n \"tables\": {")
	for i, t := range ex.Tables {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  ")
		if err := enc(t.Name); err != nil {
			return nil, err
		}
		b.WriteString(": [")
		for j, row := range t.Rows {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n   {")
			for k, col := range t.Columns {
				if k > 0 {
					b.WriteString(", ")
				}
				if err := enc(col); err != nil {
					return nil, err
				}
				b.WriteString(": ")
				if err := enc(row[k]); err != nil {
					return nil, err
				}
			}
			b.WriteString("}")
		}
		if len(t.Rows) > 0 {
			b.WriteString("\n  ")
		}
		b.WriteString("]")
	}
	b.WriteString("\n }}\n")
	return b.Bytes(), nil
}
