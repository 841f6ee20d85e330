package main

import (
	"context"
	"fmt"

	"github.com/sweeperd/sweeper/sweeper"
)

const checkUsage = `Usage: sweeper [-c FILE] check

Validates the config and holds it against the live schema: tables, columns,
keys, types, indexes, and runs each rule's condition once. Lists every problem.
Exit 0 when there are only warnings, 1 on errors, 2 when the config is invalid.

`

func (e *environment) check(ctx context.Context, args []string) error {
	fs := e.flagSet("check", checkUsage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, log, db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	defer log.Sync()
	s := &sweeper.Sweeper{Config: cfg, Store: db, Log: log}
	findings := s.Check(ctx)
	errs, warns := 0, 0
	for _, f := range findings {
		fmt.Fprintln(e.stdout, f)
		if f.Severity == sweeper.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	fmt.Fprintf(e.stdout, "%s: %d rules, %d errors, %d warnings\n", e.configPath, len(cfg.Rules), errs, warns)
	if errs > 0 {
		return &exitError{code: exitFailed, err: fmt.Errorf("check found %d errors", errs)}
	}
	return nil
}
