package sweeper_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/sweeperd/sweeper/sweeper"
)

// replayBackup is a backup of a fixture's database, taken as a shop takes
// it: mysqldump, pg_dump, or a copy of the SQLite file. keepAudit leaves
// the audit table out, so that a restore does not touch it.
type replayBackup struct {
	f         *fixture
	file      string
	keepAudit bool
}

func replayDump(t *testing.T, f *fixture, keepAudit bool) *replayBackup {
	t.Helper()
	b := &replayBackup{f: f, file: filepath.Join(t.TempDir(), "backup"), keepAudit: keepAudit}
	audit := f.cfg.Sweeper.AuditTable
	switch f.dialect {
	case dbMySQL:
		args := replayMySQLArgs(t, f)
		if keepAudit {
			args = append(args, "--ignore-table="+args[len(args)-1]+"."+audit)
		}
		replayRun(t, "mysqldump", append(args, "--result-file="+b.file)...)
	case dbPostgres:
		args := []string{"-d", f.cfg.Database.DSN, "-Fc", "-f", b.file}
		if keepAudit {
			args = append(args, "--exclude-table="+audit, "--exclude-table="+audit+"_id_seq")
		}
		replayRun(t, "pg_dump", args...)
	case dbSQLite:
		if keepAudit {
			t.Fatalf("a copy of a SQLite file cannot leave a table out")
		}
		data, err := os.ReadFile(f.cfg.Database.DSN)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(b.file, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// restore puts the backup back as a shop's restore does: every table the
// backup holds as it was then.
func (b *replayBackup) restore(t *testing.T) {
	t.Helper()
	f := b.f
	switch f.dialect {
	case dbMySQL:
		args := replayMySQLArgs(t, f)
		cmd := exec.Command("mysql", args...)
		in, err := os.Open(b.file)
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		cmd.Stdin = in
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("mysql < backup: %v: %s", err, out)
		}
	case dbPostgres:
		replayRun(t, "pg_restore", "--clean", "--if-exists", "--single-transaction", "-d", f.cfg.Database.DSN, b.file)
	case dbSQLite:
		data, err := os.ReadFile(b.file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.cfg.Database.DSN, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// replayMySQLArgs are the connection arguments of the mysql tools for the
// fixture's database, the database last.
func replayMySQLArgs(t *testing.T, f *fixture) []string {
	t.Helper()
	c, err := gomysql.ParseDSN(f.cfg.Database.DSN)
	if err != nil {
		t.Fatal(err)
	}
	host, port, ok := strings.Cut(c.Addr, ":")
	if !ok {
		port = "3306"
	}
	args := []string{"--protocol=tcp", "-h", host, "-P", port, "-u", c.User}
	if c.Passwd != "" {
		args = append(args, "--password="+c.Passwd)
	}
	return append(args, c.DBName)
}

func replayRun(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v: %s", name, err, out)
	}
}

// replayShop dumps every table of the shop, to compare two states.
func replayShop(f *fixture) string {
	var sb strings.Builder
	for _, tb := range []string{"customers", "addresses", "orders", "order_lines", "invoices", "newsletter"} {
		sb.WriteString(engDump(f, tb))
	}
	return sb.String()
}

// replayOutcomes renders a replay as "rule: key=outcome ..." per group.
func replayOutcomes(r *sweeper.Replay) []string {
	var out []string
	for _, g := range r.Groups {
		if g.Err != nil {
			out = append(out, g.Rule+": error: "+g.Err.Error())
			continue
		}
		out = append(out, g.Rule+": "+strings.Join(erOutcomes(g.Result), " "))
	}
	return out
}

// TestSweeper_Replay holds replay to docs/contract.md §6.4: after a
// backup taken before an erasure and two sweeps is restored, replaying the
// audit records since the backup (from an export made before the restore,
// or from an audit table the restore left alone) makes the shop's tables
// what they were before the restore: the erased and swept rows are gone
// again and nothing else changed, but for the row of a person held after
// the backup, which is reported and not touched.
func TestSweeper_Replay(t *testing.T) {
	ctx := context.Background()
	asOf := time.Date(2026, 6, 1, 3, 30, 0, 0, amsterdam)
	for _, mode := range []string{"FromExport", "FromUntouchedAuditTable"} {
		t.Run(mode, func(t *testing.T) {
			dialects(t, func(t *testing.T, f *fixture) {
				keepAudit := mode == "FromUntouchedAuditTable"
				if keepAudit && f.dialect == dbSQLite {
					t.Skip("a copy of a SQLite file restores every table: its replay reads an export (FromExport)")
				}
				subjShop(f)
				// The holds table is part of the backup, empty: the restore
				// empties it again and loses the hold placed after.
				subjHold(t, f, "11", time.Time{})
				if _, err := f.sw.Release(ctx, "11"); err != nil {
					t.Fatal(err)
				}
				// The backup has Jan Janssen under a dispute, which where
				// holds; it ended before the sweep took him.
				f.exec(`UPDATE customers SET status = 'disputed' WHERE id = 11`)
				since := time.Now()
				backup := replayDump(t, f, keepAudit)
				f.exec(`UPDATE customers SET status = 'ok' WHERE id = 11`)

				if _, err := f.sw.EraseSubject(ctx, sweeper.EraseSubjectOptions{Subject: "jan@example.com"}); err != nil {
					t.Fatalf("erase --subject: %v", err)
				}
				f.sweep(asOf, sweeper.SweepOptions{Rules: []string{"order-phone-6m"}})
				subjHold(t, f, "piet@example.com", time.Time{})
				f.sweep(asOf, sweeper.SweepOptions{})
				want := replayShop(f)
				records, err := f.sw.AuditRecords(ctx, "")
				if err != nil {
					t.Fatal(err)
				}

				backup.restore(t)
				restored := replayShop(f)
				if restored == want || !slices.Contains(f.ids(`SELECT id FROM customers ORDER BY id`), 1) {
					t.Fatalf("the restore did not bring Jan back: the test proves nothing")
				}
				opt := sweeper.ReplayOptions{Since: since}
				if !keepAudit {
					opt.Records = func(fn func(sweeper.AuditRecord) error) error {
						for _, r := range records {
							if err := fn(r); err != nil {
								return err
							}
						}
						return nil
					}
				}

				opt.DryRun = true
				dry, err := f.sw.Replay(ctx, opt)
				if err != nil {
					t.Fatalf("replay --dry-run: %v", err)
				}
				if replayShop(f) != restored {
					t.Fatalf("the dry run changed the shop")
				}
				opt.DryRun = false
				rp, err := f.sw.Replay(ctx, opt)
				if err != nil {
					t.Fatalf("replay: %v", err)
				}
				wantOut := []string{
					"account-idle-5y: 1=erased",
					"order-phone-6m: 1=erased",
					"newsletter-1m: 1=erased",
					"order-phone-6m: 3=erased 4=erased 11=" + sweeper.ReasonHeldSince,
					"account-idle-5y: 11=erased",
					"order-7y: 1=erased 2=erased 3=erased 4=erased",
					"newsletter-1m: 2=erased",
				}
				if got := replayOutcomes(rp); !slices.Equal(got, wantOut) {
					t.Errorf("replay:\n got %q\nwant %q", got, wantOut)
				}
				if !slices.Equal(rp.HeldSince, []string{"12"}) {
					t.Errorf("held since: got %v, want [12]", rp.HeldSince)
				}
				if got := replayOutcomes(dry); len(got) != len(wantOut) {
					t.Errorf("dry run: got %q", got)
				}
				// Piet's order keeps the phone number the backup had: he was
				// held before anything else could be replayed.
				f.exec(`UPDATE orders SET phone = NULL WHERE id = 11`)
				if got := replayShop(f); got != want {
					t.Errorf("after the replay the shop differs from before the restore:\n got:\n%s\nwant:\n%s", got, want)
				}
				for _, r := range engAudit(f, rp.RunID) {
					if !strings.Contains(r.Detail, "replay of run ") {
						t.Errorf("audit record %+v does not say it is a replay", r)
					}
				}

				// Again: every row is gone or done, nothing is written.
				n := engAuditCount(f)
				again, err := f.sw.Replay(ctx, opt)
				if err != nil {
					t.Fatalf("second replay: %v", err)
				}
				for _, g := range again.Groups {
					if g.Result.Erased() != 0 {
						t.Errorf("second replay erased %d rows of %s", g.Result.Erased(), g.Rule)
					}
				}
				if engAuditCount(f) != n {
					t.Errorf("the second replay wrote %d audit records", engAuditCount(f)-n)
				}
			})
		})
	}
}
