// Package demo writes the sweeper's embedded default: Kleintjesgeluk, the card
// shop of examples/kleintjesgeluk, as a SQLite copy of its schema
// (examples/kleintjesgeluk/schema.sql) filled with about ten years of
// generated accounts, card designs, quotes, orders, invoices, payments,
// contact history, customer-service requests, newsletter subscriptions,
// contest entries and research panels, plus a config whose rules are those of
// examples/kleintjesgeluk/config.toml: every retention promise of the shop's
// privacy statement.
//
// It is what `sweeper demo` runs, so that anyone with Go installed can see a
// real plan and a real sweep without a shop, a MySQL server or a mail server.
// The data are fake but shaped like a shop's that has never been swept:
// accounts idle for years, guest orders and their card designs, designs
// abandoned in the editor, quotes that became orders, unsubscribed readers,
// unconfirmed sign-ups, reopened service requests held by `where`, finished
// contests and studies, and rows a few hours either side of every rule's
// cutoff. The generator is seeded with a constant, so the same now gives the
// same shop.
package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	// The demo config states its timezone; the generator needs the same zone
	// even where the system has no zoneinfo (Windows, scratch images).
	_ "time/tzdata"

	_ "github.com/glebarez/go-sqlite" // database/sql driver "sqlite", pure Go
)

// File names inside the demo directory.
const (
	DatabaseFile = "shop.db"
	ConfigFile   = "config.toml"
)

// Timezone is the zone the demo's shop writes its DATETIMEs in and its config declares.
const Timezone = "Europe/Amsterdam"

// Embedded files are package variables only because go:embed requires it;
// nothing writes them.
var (
	//go:embed schema.sqlite.sql
	schemaSQL string
	//go:embed config.toml.tmpl
	configTemplate string
)

// Result says what Write made.
type Result struct {
	ConfigPath   string         // absolute path of the generated config
	DatabasePath string         // absolute path of the SQLite shop
	Rows         map[string]int // rows generated per table
}

// Tables lists the demo shop's tables in the order they are filled, for
// callers that print Result.Rows.
func Tables() []string {
	return []string{
		"customers", "customer_addresses", "favourites",
		"quotes", "quote_lines", "orders", "order_lines", "card_designs",
		"invoices", "invoice_lines", "payments",
		"contact_messages", "service_requests",
		"newsletter_subscribers", "newsletter_optins",
		"contests", "contest_entries",
		"research_studies", "research_participants", "research_responses",
	}
}

// Write creates dir if needed and writes the demo shop database and its config
// into it, with data generated backwards from now (taken in Europe/Amsterdam).
// It refuses to overwrite: when either file already exists it returns an error
// naming it and touches nothing. When it fails half-way it removes what it wrote.
func Write(ctx context.Context, dir string, now time.Time) (res Result, err error) {
	loc, err := time.LoadLocation(Timezone)
	if err != nil {
		return Result{}, fmt.Errorf("load timezone %s: %w", Timezone, err)
	}
	now = now.In(loc).Truncate(time.Second)

	dir, err = filepath.Abs(dir)
	if err != nil {
		return Result{}, fmt.Errorf("directory: %w", err)
	}
	dbPath := filepath.Join(dir, DatabaseFile)
	cfgPath := filepath.Join(dir, ConfigFile)
	// The driver splits its DSN at the first '?': a path holding one would
	// open some other file.
	if strings.ContainsRune(dbPath, '?') {
		return Result{}, fmt.Errorf("directory %s contains '?', which a SQLite DSN cannot carry: choose another --dir", dir)
	}
	var existing []string
	for _, p := range []string{dbPath, cfgPath} {
		if _, err := os.Lstat(p); err == nil {
			existing = append(existing, p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return Result{}, fmt.Errorf("directory: %w", err)
		}
	}
	if len(existing) > 0 {
		them := "it"
		if len(existing) > 1 {
			them = "them"
		}
		return Result{}, fmt.Errorf("refusing to overwrite %s: remove %s or choose another --dir", strings.Join(existing, " and "), them)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("directory: %w", err)
	}

	// Created with O_EXCL, so two demos started at once cannot write into each
	// other's files; whatever this call created goes again if it fails.
	var created []string
	defer func() {
		if err != nil {
			for _, p := range created {
				os.Remove(p)
			}
		}
	}()
	if err := createEmpty(dbPath); err != nil {
		return Result{}, err
	}
	created = append(created, dbPath, dbPath+"-journal")
	cfg, err := os.OpenFile(cfgPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Result{}, fmt.Errorf("write config: %w", err)
	}
	created = append(created, cfgPath)

	rows, err := writeDatabase(ctx, dbPath, now)
	if err != nil {
		cfg.Close()
		return Result{}, err
	}
	if err := writeConfig(cfg, dbPath, now); err != nil {
		cfg.Close()
		return Result{}, err
	}
	if err := cfg.Close(); err != nil {
		return Result{}, fmt.Errorf("write config: %w", err)
	}
	return Result{ConfigPath: cfgPath, DatabasePath: dbPath, Rows: rows}, nil
}

// DSN returns the data source name the demo config uses for the database at path.
func DSN(path string) string {
	// SQLite enforces foreign keys only when asked; the demo should refuse a
	// delete the way the MySQL shop would.
	return path + "?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
}

func createEmpty(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	return nil
}

func writeDatabase(ctx context.Context, path string, now time.Time) (map[string]int, error) {
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	// One connection: the schema, the transaction and the pragmas must all
	// happen on the same SQLite handle.
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schemaSQL); err != nil {
		return nil, fmt.Errorf("create schema: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("fill database: %w", err)
	}
	defer tx.Rollback()
	rows, err := newGenerator(now).fill(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("fill database: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("fill database: %w", err)
	}
	if err := db.Close(); err != nil {
		return nil, fmt.Errorf("close database: %w", err)
	}
	return rows, nil
}

func writeConfig(f *os.File, dbPath string, now time.Time) error {
	tmpl, err := template.New(ConfigFile).Option("missingkey=error").Parse(configTemplate)
	if err != nil {
		return fmt.Errorf("config template: %w", err)
	}
	// A fresh random key per demo, so nobody copies a published key into a
	// real config.
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("hash key: %w", err)
	}
	var buf bytes.Buffer
	err = tmpl.Execute(&buf, map[string]string{
		"Generated": now.Format("2 January 2006 15:04 MST"),
		"DSN":       tomlString(DSN(dbPath)),
		"HashKey":   tomlString(hex.EncodeToString(key)),
	})
	if err != nil {
		return fmt.Errorf("config template: %w", err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}

// tomlString quotes s as a TOML basic string. strconv.Quote is close but
// writes \x escapes, which TOML does not have; Windows paths need the
// backslashes escaped.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
