package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sweeperd/sweeper/demo"
	"github.com/sweeperd/sweeper/sweeper"
)

const demoUsage = `Usage: sweeper demo [--dir DIR]

Writes a SQLite demo shop and a config for it into DIR, prints the plan, and
the next commands to try. The shop is Kleintjesgeluk, the card shop of
examples/kleintjesgeluk, with about ten years of generated accounts, card
designs, orders, invoices, payments, service requests, newsletter
subscriptions ...; the rules are the promises of its privacy statement.
Nothing outside DIR is touched.

`

func (e *environment) demo(ctx context.Context, args []string) error {
	fs := e.flagSet("demo", demoUsage)
	dir := fs.String("dir", "sweeper-demo", "directory for the demo shop and its config")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	res, err := demo.Write(ctx, *dir, time.Now().In(loc))
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(e.stdout, "Wrote a demo shop to %s and its config to %s.\n", res.DatabasePath, res.ConfigPath)
	fmt.Fprintln(e.stdout, "The shop is Kleintjesgeluk (examples/kleintjesgeluk); its rules are the promises of its privacy statement.")
	fmt.Fprintln(e.stdout, "Generated rows:")
	total := 0
	for _, t := range demo.Tables() {
		fmt.Fprintf(e.stdout, "  %-24s %6d\n", t, res.Rows[t])
		total += res.Rows[t]
	}
	fmt.Fprintf(e.stdout, "  %-24s %6d\n", "total", total)
	fmt.Fprintln(e.stdout)

	de := &environment{configPath: res.ConfigPath, stdout: e.stdout, stderr: e.stderr}
	cfg, log, db, err := de.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := wireSweeper(cfg, log)
	if err != nil {
		return err
	}
	attach(s, db, nil)
	p, err := s.Plan(ctx, sweeper.PlanOptions{})
	if err != nil {
		return fmt.Errorf("demo: plan: %w", err)
	}
	if err := writePlanText(e.stdout, p, false); err != nil {
		return err
	}
	self := selfCommand()
	cfgArg := res.ConfigPath
	if rel, err := filepath.Rel(mustGetwd(), res.ConfigPath); err == nil && !strings.HasPrefix(rel, "..") {
		cfgArg = rel
	}
	fmt.Fprintf(e.stdout, `
Next, try:
  %[1]s -c %[2]s plan --format json        # the same plan, for machines
  %[1]s -c %[2]s check                     # the config held against the schema
  %[1]s -c %[2]s sweep --dry-run           # what a sweep would do, writing nothing
  %[1]s -c %[2]s sweep                     # do it: delete and anonymise, with audit records
  %[1]s -c %[2]s sweep                     # again: nothing left to do
  sqlite3 %[3]s 'SELECT rule, action, COUNT(*) FROM sweeper_audit GROUP BY 1, 2'
`, self, cfgArg, res.DatabasePath)
	return nil
}

// selfCommand is how the user started this program, so the suggested
// commands can be pasted as they are: "go run ./cmd/sweeper" leaves a
// binary in a temporary build directory.
func selfCommand() string {
	exe := os.Args[0]
	if strings.Contains(exe, "go-build") {
		return "go run ./cmd/sweeper"
	}
	return exe
}

func mustGetwd() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	return wd
}
