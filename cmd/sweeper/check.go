package main

import (
	"context"
	"fmt"

	"github.com/sweeperd/sweeper/connectors/mail"
	"github.com/sweeperd/sweeper/sweeper"
)

const checkUsage = `Usage: sweeper [-c FILE] check [--mail]

Validates the config and holds it against the live schema: tables, columns,
keys, foreign keys, types, indexes, and runs each rule's condition once.
Lists every problem.
Exit 0 when there are only warnings, 1 on errors, 2 when the config is invalid.

`

func (e *environment) check(ctx context.Context, args []string) error {
	fs := e.flagSet("check", checkUsage)
	testMail := fs.Bool("mail", false, "also connect to the SMTP server (EHLO, TLS, AUTH) without sending")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, done, err := e.newSweeper(ctx)
	if err != nil {
		return err
	}
	defer done()
	cfg := s.Config
	findings := s.Check(ctx)
	if *testMail {
		if m, ok := s.Mailer.(*mail.Mailer); ok {
			if err := m.Check(ctx); err != nil {
				findings = append(findings, sweeper.Finding{Severity: sweeper.SeverityError, Message: "mail: " + err.Error()})
			} else {
				fmt.Fprintf(e.stdout, "mail: %s:%d answers and accepts the login\n", cfg.Mail.Host, cfg.Mail.Port)
			}
		} else {
			findings = append(findings, sweeper.Finding{Severity: sweeper.SeverityError, Message: "mail: --mail given but the config has no [mail] host"})
		}
	}
	errs, warns := 0, 0
	for _, f := range findings {
		fmt.Fprintln(e.stdout, f)
		if f.Severity == sweeper.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	fmt.Fprintf(e.stdout, "%s: %s, %s, %s\n", e.configPath, plural(len(cfg.Rules), "rule"), plural(errs, "error"), plural(warns, "warning"))
	if errs > 0 {
		return &exitError{code: exitFailed, err: fmt.Errorf("check found %s", plural(errs, "error"))}
	}
	return nil
}
