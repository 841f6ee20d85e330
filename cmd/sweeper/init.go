package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/presets"
	"github.com/sweeperd/sweeper/sweeper"
)

const initUsage = `Usage: sweeper [-c FILE] init --preset NAME [--prefix P] [-o FILE] [--dsn DSN]

Writes a commented config for a shop platform: the retention promises of a
typical Dutch/EU privacy statement as rules over the platform's own tables
(with the table prefix P), and beside it the reminder mail the account rule
sends. Existing files are never overwritten. The periods and holds are the
first lines to edit; then run check and plan.

With --dsn (or a database in an existing -c config), it also reads the live
schema and says which of the preset's tables the shop lacks (a plugin not
installed, another version).

Presets:
`

func (e *environment) initConfig(ctx context.Context, args []string) error {
	usageText := initUsage
	for _, p := range presets.All() {
		prefix := fmt.Sprintf("prefix %q", p.Prefix)
		if p.Prefix == "" {
			prefix = "no prefix" // Magento and Shopware install without one unless asked
		}
		usageText += fmt.Sprintf("  %-12s %s (%s)\n", p.Name, p.Platform, prefix)
	}
	flags := e.flagSet("init", usageText+"\n")
	name := flags.String("preset", "", "the platform: "+presetNames())
	prefix := flags.String("prefix", "", "table prefix (default: the platform's own)")
	out := flags.String("o", "", "config file to write (default: the -c path, else config.toml)")
	dsn := flags.String("dsn", "", "MySQL/MariaDB DSN of the shop, to say which preset tables it lacks")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if *name == "" {
		return usageErrorf("init: --preset is required: one of %s", presetNames())
	}
	p, err := presets.Lookup(*name)
	if err != nil {
		return usageErrorf("init: %v", err)
	}
	pfx := p.Prefix
	flags.Visit(func(f *flag.Flag) {
		if f.Name == "prefix" {
			pfx = *prefix
		}
	})
	r, err := p.Render(pfx)
	if err != nil {
		return usageErrorf("init: --prefix: %v", err)
	}
	path := *out
	if path == "" {
		path = e.configPath
	}
	db, err := e.shopDatabase(*dsn, path)
	if err != nil {
		return err
	}
	reminder := filepath.Join(filepath.Dir(path), presets.ReminderFile)
	// Both files are checked before either is written: a refusal leaves
	// nothing half done.
	for _, f := range []string{path, reminder} {
		if _, err := os.Lstat(f); err == nil {
			return usageErrorf("init: %s exists; it is never overwritten: remove it or write elsewhere with -o", f)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return usageErrorf("init: %v", err)
		}
	}
	if err := writeNew("init", path, r.Config, 0o644); err != nil {
		return err
	}
	if err := writeNew("init", reminder, presets.ReminderTemplate(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Wrote %s (preset %s, prefix %q) and its reminder mail %s.\n", path, p.Name, pfx, reminder)

	if err := e.reportMissing(ctx, db, r.Tables); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, `
Next:
  1. edit %[1]s: the periods (older_than) and holds (where) of the rules, [database] and [mail]
  2. %[2]s -c %[1]s check
  3. %[2]s -c %[1]s plan
`, path, selfCommand())
	return nil
}

func presetNames() string {
	var names []string
	for _, p := range presets.All() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// writeNew creates path with data and the permissions perm, failing if
// it appeared in the meantime; cmd names the command in the error.
func writeNew(cmd, path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return usageErrorf("%s: %s exists; it is never overwritten", cmd, path)
		}
		return fmt.Errorf("%s: %w", cmd, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("%s: write %s: %w", cmd, path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("%s: write %s: %w", cmd, path, err)
	}
	return nil
}

// shopDatabase says where the shop's schema is to be read: --dsn, else the
// database of the existing config named by -c (not the one being written).
func (e *environment) shopDatabase(dsn, out string) (*sweeper.Database, error) {
	if dsn != "" {
		return &sweeper.Database{Driver: "mysql", DSN: dsn}, nil
	}
	if filepath.Clean(e.configPath) == filepath.Clean(out) {
		return nil, nil
	}
	if _, err := os.Stat(e.configPath); err != nil {
		return nil, nil
	}
	cfg, err := sweeper.LoadFile(e.configPath, os.LookupEnv)
	if err != nil {
		return nil, &exitError{code: exitInvalid, err: fmt.Errorf("init: the schema is read from the database of %s, which does not load: %w", e.configPath, err)}
	}
	return &cfg.Database, nil
}

// reportMissing reads the live schema and lists the preset's tables it
// lacks. With no database given it says nothing: the usual case for a shop
// that writes its first config.
func (e *environment) reportMissing(ctx context.Context, d *sweeper.Database, tables []string) error {
	if d == nil {
		return nil
	}
	db, err := database.Open(ctx, d.Driver, d.DSN, database.Options{Logger: zap.NewNop()})
	if err != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("init: the config was written, but the schema could not be read: %w", err)}
	}
	defer db.Close()
	var missing []string
	for _, t := range tables {
		if _, err := db.Table(ctx, t); errors.Is(err, sweeper.ErrNoTable) {
			missing = append(missing, t)
		} else if err != nil {
			return &exitError{code: exitFailed, err: fmt.Errorf("init: the config was written, but table %q could not be read: %w", t, err)}
		}
	}
	if len(missing) == 0 {
		fmt.Fprintf(e.stdout, "The database has every one of the preset's %d tables.\n", len(tables))
		return nil
	}
	fmt.Fprintf(e.stdout, "The database lacks %d of the preset's %d tables (a plugin not installed, another version, another prefix?):\n",
		len(missing), len(tables))
	for _, t := range missing {
		fmt.Fprintf(e.stdout, "  %s\n", t)
	}
	fmt.Fprintln(e.stdout, "Remove or disable (enabled = false) the rules and related tables naming them; check lists each one.")
	return nil
}
