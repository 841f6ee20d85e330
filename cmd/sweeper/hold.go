package main

import (
	"context"
	"fmt"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

const holdUsage = `Usage: sweeper [-c FILE] hold --subject VALUE --reason TEXT [--until TIME]

A restriction of processing (GDPR art. 18) or a legal hold: while it is in
force, no rule, erase, erase --subject or replay touches the rows of the person VALUE
names (the subject key, or a value of a match column) in any table of the
[subject] data map, however old they are. A hold on a person already held
replaces it. The reason stays in the sweeper's holds table (sweeper holds
shows it); the audit record says the hold was placed and until when, never
why. --until (RFC 3339, a wall-clock time in sweeper.timezone, or a date for
midnight there) ends it by the real clock; without it, the hold lasts until
sweeper release.
Exit 0 when held; 1 when VALUE names nobody or more than one person.

`

const releaseUsage = `Usage: sweeper [-c FILE] release --subject VALUE

Ends the hold on the person VALUE names (the subject key, or a value of a
match column; the key of a hold whose person is gone works too). Their rows
are swept again by the next run. One release audit record says so.
Exit 0 when released; 1 when VALUE names nobody and no hold has it as key,
or the person is not held.

`

const holdsUsage = `Usage: sweeper [-c FILE] holds

Lists the holds, oldest first: the person (table and key), when the hold
was placed, until when, whether it is in force, and its reason. An expired
hold is listed until it is released. Reads only.

`

func (e *environment) hold(ctx context.Context, args []string) error {
	fs := e.flagSet("hold", holdUsage)
	subject := fs.String("subject", "", "the person: the subject key, or a value of a match column (required)")
	reason := fs.String("reason", "", "why the person's data must stay, for whoever reads the holds (required)")
	until := fs.String("until", "", "when the hold ends (default: when released); "+asOfHelp)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *subject == "" || *reason == "" {
		fs.Usage()
		return usageErrorf("hold: --subject and --reason are required")
	}
	s, done, err := e.newSweeper(ctx)
	if err != nil {
		return err
	}
	defer done()
	tz := s.Config.Sweeper.Timezone
	end, err := parseTimeFlag("--until", *until, tz)
	if err != nil {
		return err
	}
	end = laterOfTwice(end, tz)
	h, err := s.Hold(ctx, sweeper.HoldOptions{Subject: *subject, Reason: *reason, Until: end})
	if err != nil {
		return fmt.Errorf("hold: %w", err)
	}
	fmt.Fprintf(e.stdout, "held: %s %s %s (audit run %s)\n", h.Table, h.KeyString(), holdEnd(h.Until, tz), h.RunID)
	if !h.Replaced.IsZero() {
		fmt.Fprintf(e.stdout, "it replaces the hold placed %s\n", h.Replaced.In(tz).Format(holdLayout))
	}
	return nil
}

func (e *environment) release(ctx context.Context, args []string) error {
	fs := e.flagSet("release", releaseUsage)
	subject := fs.String("subject", "", "the person: the subject key, or a value of a match column (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *subject == "" {
		fs.Usage()
		return usageErrorf("release: --subject is required")
	}
	s, done, err := e.newSweeper(ctx)
	if err != nil {
		return err
	}
	defer done()
	h, err := s.Release(ctx, *subject)
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	tz := s.Config.Sweeper.Timezone
	fmt.Fprintf(e.stdout, "released: %s %s, held since %s; the next run sweeps their rows again\n", h.Table, h.KeyString(),
		h.Placed.In(tz).Format(holdLayout))
	return nil
}

func (e *environment) holds(ctx context.Context, args []string) error {
	fs := e.flagSet("holds", holdsUsage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, done, err := e.newSweeper(ctx)
	if err != nil {
		return err
	}
	defer done()
	hs, err := s.Holds(ctx)
	if err != nil {
		return fmt.Errorf("holds: %w", err)
	}
	if len(hs) == 0 {
		fmt.Fprintln(e.stdout, "no holds")
		return nil
	}
	tz := s.Config.Sweeper.Timezone
	t := newTable("TABLE", "KEY", "PLACED", "UNTIL", "STATE", "REASON")
	active := 0
	for _, h := range hs {
		state := "expired"
		if h.Active {
			state = "in force"
			active++
		}
		until := "release"
		if !h.Until.IsZero() {
			until = h.Until.In(tz).Format(holdLayout)
		}
		t.add(h.Table, h.KeyString(), h.Placed.In(tz).Format(holdLayout), until, state, h.Reason)
	}
	if err := t.write(e.stdout); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s, %d in force\n", plural(len(hs), "hold"), active)
	return nil
}

const holdLayout = "2006-01-02 15:04 MST"

func holdEnd(until time.Time, tz *time.Location) string {
	if until.IsZero() {
		return "until released"
	}
	return "until " + until.In(tz).Format(holdLayout)
}
