package sweeper_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/connectors/files"
	"github.com/sweeperd/sweeper/sweeper"
)

// Shopware keys every row by a BINARY(16) id (PostgreSQL keeps such ids as
// bytea, SQLite as a blob). The ids of the shop below, in hex: Anna's
// account has its last byte 0x01, Bram's 0x02, Cor's 0x03; their addresses
// end in 0xa1, 0xa2, 0xa3; the newsletter rows in 0x51 and 0x52. The high
// bytes and the 0x00 in them are what text cannot carry.
const (
	binAnna   = "0fa91ce3e96a4bc2be4bd9ce752c3401"
	binBram   = "0fa91ce3e96a4bc2be4bd9ce752c3402"
	binCor    = "0fa91ce3e96a4bc2be4bd9ce752c3403"
	binAddrA  = "ff00e3e96a4bc2be4bd9ce752c3400a1"
	binAddrB  = "ff00e3e96a4bc2be4bd9ce752c3400a2"
	binAddrC  = "ff00e3e96a4bc2be4bd9ce752c3400a3"
	binNewsA  = "80000000000000000000000000000051"
	binNewsB  = "80000000000000000000000000000052"
	binNoSuch = "0fa91ce3e96a4bc2be4bd9ce752c34ff"
)

var pgBytes = regexp.MustCompile(`\bx'([0-9a-f]*)'`)

// binSQL replaces BIN16 by the dialect's column type for 16 bytes and
// x'...' by its literal of bytes.
func binSQL(f *fixture, stmt string) string {
	typ := "BINARY(16)"
	switch f.dialect {
	case dbPostgres:
		typ = "BYTEA"
		stmt = pgBytes.ReplaceAllString(stmt, "decode('$1', 'hex')")
	case dbSQLite:
		typ = "BLOB"
	}
	return strings.ReplaceAll(stmt, "BIN16", typ)
}

// binShop is customers with addresses (ON DELETE CASCADE) and newsletter
// sign-ups, keyed by 16 bytes each.
func binShop(t *testing.T, f *fixture) {
	t.Helper()
	for _, s := range []string{
		`CREATE TABLE customer (id BIN16 NOT NULL PRIMARY KEY, email VARCHAR(100) NULL, first_name VARCHAR(50) NULL,
			photo VARCHAR(200) NULL, last_login DATETIME NULL, created_at DATETIME NOT NULL)`,
		`CREATE TABLE customer_address (id BIN16 NOT NULL PRIMARY KEY, customer_id BIN16 NOT NULL, street VARCHAR(100) NULL,
			CONSTRAINT fk_address_customer FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE)`,
		`CREATE INDEX idx_address_customer ON customer_address (customer_id)`,
		`CREATE TABLE newsletter (id BIN16 NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, unsubscribed_at DATETIME NULL)`,
		`CREATE UNIQUE INDEX idx_newsletter_email ON newsletter (email)`,
		// Anna last logged in in 2015 and has a photo; Bram never did, and
		// registered in 2015 too; Cor logged in last year.
		`INSERT INTO customer (id, email, first_name, photo, last_login, created_at) VALUES
			(x'` + binAnna + `', 'anna@example.com', 'Anna', 'anna.jpg', '2015-06-01 00:00:00', '2014-01-01 00:00:00'),
			(x'` + binBram + `', 'bram@example.com', 'Bram', NULL, NULL, '2015-06-01 00:00:00'),
			(x'` + binCor + `', 'cor@example.com', 'Cor', NULL, '2025-06-01 00:00:00', '2014-01-01 00:00:00')`,
		`INSERT INTO customer_address (id, customer_id, street) VALUES
			(x'` + binAddrA + `', x'` + binAnna + `', 'Dorpsstraat 1'),
			(x'` + binAddrB + `', x'` + binBram + `', 'Kerkstraat 2'),
			(x'` + binAddrC + `', x'` + binCor + `', 'Markt 3')`,
		`INSERT INTO newsletter (id, email, unsubscribed_at) VALUES
			(x'` + binNewsA + `', 'lezer@example.com', '2020-01-01 00:00:00'),
			(x'` + binNewsB + `', 'nog@example.com', NULL)`,
	} {
		f.exec(binSQL(f, s))
	}
}

// binHex reads a column of bytes of every row of a table, as hex, sorted.
func binHex(f *fixture, table, column string) []string {
	f.t.Helper()
	rows, err := f.raw.Query("SELECT " + column + " FROM " + table)
	if err != nil {
		f.t.Fatalf("read %s.%s: %v", table, column, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, strings.ToLower(strings.TrimSpace(string(hexOf(b)))))
	}
	slices.Sort(out)
	return out
}

func hexOf(b []byte) []byte {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return out
}

// TestSweeper_BinaryKeys holds a rule keyed by 16 bytes, with related rows
// keyed so too, to what a rule keyed by a number does: the batch binds the
// key's bytes, so it deletes the due rows and only those; the sweeper's own
// tables (audit, reminders, files) hold the keys as lowercase hex; audit
// --key and erase --key take hex in either case, with or without 0x.
func TestSweeper_BinaryKeys(t *testing.T) {
	tmpl, err := filepath.Abs("../templates/account-reminder.nl.txt")
	if err != nil {
		t.Fatal(err)
	}
	dialects(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		binShop(t, f)
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, "anna.jpg"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		f.rule(sweeper.Rule{Name: "account-idle-5y", Table: "customer", AgeColumns: []string{"last_login", "created_at"},
			OlderThan: years(5), Action: sweeper.ActionDelete,
			Related:  []sweeper.Related{{Table: "customer_address", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete}},
			Reminder: &sweeper.Reminder{Before: months(1), EmailColumn: "email", Columns: []string{"first_name"}, Template: tmpl},
			Files:    &sweeper.Files{Column: "photo", Root: root}})
		f.rule(sweeper.Rule{Name: "newsletter-1m", Table: "newsletter", AgeColumns: []string{"unsubscribed_at"},
			OlderThan: months(1), Action: sweeper.ActionAnonymise,
			Anonymise: []sweeper.ColumnStrategy{{Column: "email", Strategy: sweeper.StrategyEmail}}})
		mb := &mailbox{}
		f.sw.Mailer, f.sw.Files = mb, files.Remover{}

		for _, fd := range engCheck(f) {
			if fd.Severity == sweeper.SeverityError {
				t.Errorf("check: %s", fd)
			}
		}

		// The first sweep reminds Anna and Bram, each under the hex of
		// their key, and anonymises the sign-up with its hex.
		T := engAms(2024, 11, 22, 3, 30, 0)
		rep := f.sweep(T, sweeper.SweepOptions{})
		if got := strings.Join(mb.to(), ","); got != "anna@example.com,bram@example.com" {
			t.Errorf("reminders: got %q, want anna and bram", got)
		}
		if got := engStrings(f, `SELECT row_key FROM sweeper_reminders ORDER BY row_key`); !slices.Equal(got, []string{binAnna, binBram}) {
			t.Errorf("sweeper_reminders.row_key: got %q, want the lowercase hex of Anna's and Bram's ids", got)
		}
		if got := engStrings(f, `SELECT email FROM newsletter ORDER BY email`); !slices.Equal(got,
			[]string{"deleted-" + binNewsA + "@invalid.invalid", "nog@example.com"}) {
			t.Errorf("newsletter e-mail: got %q, want the placeholder with the row's hex key", got)
		}
		if got := engRule(t, rep, "newsletter-1m").Rows; got != 1 {
			t.Errorf("newsletter-1m rows: got %d, want 1", got)
		}

		// A month later they go, with their addresses and Anna's photo.
		rep = f.sweep(T.AddDate(0, 1, 1), sweeper.SweepOptions{})
		rr := engRule(t, rep, "account-idle-5y")
		if rr.Err != nil || rr.Rows != 2 || len(rr.Related) != 1 || rr.Related[0].Rows != 2 {
			t.Fatalf("account-idle-5y: got err %v, %d rows, related %+v; want 2 accounts and 2 addresses", rr.Err, rr.Rows, rr.Related)
		}
		if got := binHex(f, "customer", "id"); !slices.Equal(got, []string{binCor}) {
			t.Errorf("customers left: got %q, want Cor's only", got)
		}
		if got := binHex(f, "customer_address", "id"); !slices.Equal(got, []string{binAddrC}) {
			t.Errorf("addresses left: got %q, want Cor's only", got)
		}
		if _, err := os.Stat(filepath.Join(root, "anna.jpg")); !os.IsNotExist(err) {
			t.Errorf("Anna's photo: stat says %v, want it removed", err)
		}
		wantRecords := []string{
			"account-idle-5y customer " + binAnna + " remind ",
			"account-idle-5y customer " + binBram + " remind ",
			"newsletter-1m newsletter " + binNewsA + " anonymise ",
			"account-idle-5y customer_address " + binAddrA + " delete " + binAnna,
			"account-idle-5y customer_address " + binAddrB + " delete " + binBram,
			"account-idle-5y customer " + binAnna + " delete ",
			"account-idle-5y customer " + binBram + " delete ",
			"account-idle-5y customer " + binAnna + " file ",
		}
		var got []string
		for _, r := range engAudit(f, "") {
			got = append(got, strings.Join([]string{r.Rule, r.Table, r.RowKey, r.Action, r.ParentKey}, " "))
		}
		if !slices.Equal(got, wantRecords) {
			t.Errorf("audit records:\ngot  %q\nwant %q", got, wantRecords)
		}
		if got := f.count(`SELECT COUNT(*) FROM sweeper_files`); got != 0 {
			t.Errorf("sweeper_files: %d rows left, want the removal done", got)
		}

		// audit --table customer --key, as MySQL's HEX() shows the id.
		var story []string
		err := f.sw.EachAuditRecord(ctx, sweeper.AuditFilter{Tables: []string{"customer"}, Keys: []string{"0x" + strings.ToUpper(binAnna)}},
			func(r sweeper.AuditRecord) error {
				story = append(story, r.Table+" "+r.Action)
				return nil
			})
		if err != nil {
			t.Fatalf("audit --key: %v", err)
		}
		if want := []string{"customer remind", "customer_address delete", "customer delete", "customer file"}; !slices.Equal(story, want) {
			t.Errorf("audit --table customer --key 0x<Anna>: got %q, want %q", story, want)
		}

		// A second sweep finds nothing: the placeholder is recognised.
		rep = f.sweep(T.AddDate(0, 1, 1), sweeper.SweepOptions{})
		for _, r := range rep.Rules {
			if r.Rows != 0 || r.Err != nil {
				t.Errorf("second sweep: rule %s touched %d rows (error %v), want none", r.Name, r.Rows, r.Err)
			}
		}

		// erase --key in hex: upper case, a key that is no hex, and an id
		// that names no row.
		res, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "account-idle-5y",
			Keys: []string{strings.ToUpper(binCor), "Cor", binNoSuch}})
		if err != nil {
			t.Fatalf("erase: %v", err)
		}
		want := []sweeper.KeyResult{{Key: strings.ToUpper(binCor), Erased: true},
			{Key: "Cor", Reason: sweeper.ReasonNotHex}, {Key: binNoSuch, Reason: sweeper.ReasonNoSuchRow}}
		if !slices.Equal(res.Keys, want) {
			t.Errorf("erase: got %+v, want %+v", res.Keys, want)
		}
		if got := binHex(f, "customer", "id"); len(got) != 0 {
			t.Errorf("customers after erasing Cor: got %q, want none", got)
		}
		if n := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE row_key = '` + binAddrC + `' AND parent_key = '` + binCor + `'`); n != 1 {
			t.Errorf("audit records of Cor's address under Cor's hex key: got %d, want 1", n)
		}
	})
}

// TestSweeper_BinarySubject holds a data map whose people are keyed by 16
// bytes (Shopware's customers) to what a map keyed by a number does: a
// request names a person by e-mail or by the key's hex; the export, the
// hold and its audit records name them by that hex; a hold keeps their
// rows, and the rows they link to, through a far sweep that takes the
// others'.
func TestSweeper_BinarySubject(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		binShop(t, f)
		f.cfg.Subject = &sweeper.Subject{Table: "customer", Match: []string{"email"},
			Links: []sweeper.SubjectLink{{Table: "customer_address", Column: "customer_id"}}}
		f.rule(sweeper.Rule{Name: "account-idle-5y", Table: "customer", AgeColumns: []string{"last_login", "created_at"},
			OlderThan: years(5), Action: sweeper.ActionDelete,
			Related: []sweeper.Related{{Table: "customer_address", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete}}})

		for _, value := range []string{"anna@example.com", binAnna, "0x" + strings.ToUpper(binAnna)} {
			ex, err := f.sw.Export(ctx, value)
			if err != nil {
				t.Fatalf("export %s: %v", value, err)
			}
			if got := ex.Subject.KeyString(); got != binAnna {
				t.Errorf("export %s: the person's key is %q, want Anna's in hex", value, got)
			}
			if b, err := json.Marshal(ex.Subject.Key); err != nil || string(b) != `"`+binAnna+`"` {
				t.Errorf("export %s: the key in JSON is %s (%v), want Anna's hex", value, b, err)
			}
		}
		if _, err := f.sw.Export(ctx, binNoSuch); err == nil {
			t.Errorf("export of a key nobody has: no error")
		}
		h, err := f.sw.Hold(ctx, sweeper.HoldOptions{Subject: "anna@example.com", Reason: "geschil"})
		if err != nil {
			t.Fatalf("hold: %v", err)
		}
		if h.KeyString() != binAnna {
			t.Errorf("hold: the person's key is %q, want Anna's in hex", h.KeyString())
		}
		f.sw.Now = func() time.Time { return subjFar }
		f.sweep(subjFar, sweeper.SweepOptions{})
		if got := binHex(f, "customer", "id"); !slices.Equal(got, []string{binAnna}) {
			t.Errorf("customers left: got %q, want Anna's only: she is held", got)
		}
		if got := binHex(f, "customer_address", "id"); !slices.Equal(got, []string{binAddrA}) {
			t.Errorf("addresses left: got %q, want Anna's only: she is held", got)
		}
		for _, r := range engAudit(f, "") {
			if r.Table == "customer" && (r.Action == sweeper.AuditHold || r.Action == sweeper.AuditExport) && r.RowKey != binAnna {
				t.Errorf("%s record names %q, want Anna's hex", r.Action, r.RowKey)
			}
		}
		// A hold recorded since a restored backup keeps her through a
		// replay by her key of bytes, also when the restored holds table
		// lacks it.
		if _, err := f.sw.Release(ctx, "anna@example.com"); err != nil {
			t.Fatalf("release: %v", err)
		}
		since := subjFar.Add(-time.Hour)
		recs := []sweeper.AuditRecord{
			{RunID: "h1", At: since.Add(time.Minute), Table: "customer", RowKey: binAnna, Action: sweeper.AuditHold},
			{RunID: "r1", At: since.Add(2 * time.Minute), Rule: "account-idle-5y", Table: "customer", RowKey: binAnna, Action: string(sweeper.ActionDelete)},
		}
		rp, err := f.sw.Replay(ctx, sweeper.ReplayOptions{Since: since, Records: func(fn func(sweeper.AuditRecord) error) error {
			for _, r := range recs {
				if err := fn(r); err != nil {
					return err
				}
			}
			return nil
		}})
		if err != nil {
			t.Fatalf("replay: %v", err)
		}
		if !slices.Equal(rp.HeldSince, []string{binAnna}) {
			t.Errorf("replay: held since %q, want Anna's hex", rp.HeldSince)
		}
		if got := binHex(f, "customer", "id"); !slices.Equal(got, []string{binAnna}) {
			t.Errorf("customers left after the replay: got %q, want Anna's: a hold since the backup keeps her", got)
		}
		if _, err := f.sw.Hold(ctx, sweeper.HoldOptions{Subject: "anna@example.com", Reason: "geschil"}); err != nil {
			t.Fatalf("hold again: %v", err)
		}
		// Her rows gone by other means, the hold is released by her key
		// as an operator may type it: in capitals, with 0x.
		f.exec("DELETE FROM customer_address")
		f.exec("DELETE FROM customer")
		if _, err := f.sw.Release(ctx, "0x"+strings.ToUpper(binAnna)); err != nil {
			t.Errorf("release by the key in capitals with 0x of a person gone: %v", err)
		}
		if hs, err := f.sw.Holds(ctx); err != nil || len(hs) != 0 {
			t.Errorf("holds after the release: %v (%v), want none", hs, err)
		}
	})
}
