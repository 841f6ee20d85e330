package sweeper_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// Helpers of the tests of requests from data subjects: a shop whose data
// map reaches a person's rows directly (addresses), through another table
// (order lines through orders) and by e-mail address (newsletter). Their
// names start with "subj".

// subjFar is a night by which every row of subjShop is due.
var subjFar = time.Date(2040, 1, 8, 3, 30, 0, 0, amsterdam)

// subjShop is three people who share nothing but similar values: Jan (1)
// and Jan (11) have e-mail addresses one is the start of the other's, and
// keys one is the start of the other's; 11 and 12 share a phone number.
// Order 4 is a guest's.
func subjShop(f *fixture) {
	blob := "BLOB"
	if f.dialect == dbPostgres {
		blob = "BYTEA"
	}
	f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100) NOT NULL, name VARCHAR(100) NOT NULL, phone VARCHAR(30) NULL,
			status VARCHAR(20) NOT NULL DEFAULT 'ok', photo `+blob+` NULL, last_login_at DATETIME NULL, created_at DATETIME NOT NULL)`,
		`CREATE TABLE addresses (id AUTO_PK, customer_id BIGINT NOT NULL, street VARCHAR(100))`,
		`CREATE TABLE orders (id AUTO_PK, customer_id BIGINT NULL, phone VARCHAR(30) NULL, total INT NOT NULL, created_at DATETIME NOT NULL)`,
		`CREATE TABLE order_lines (id AUTO_PK, order_id BIGINT NOT NULL, product VARCHAR(50) NOT NULL)`,
		`CREATE TABLE invoices (id AUTO_PK, order_id BIGINT NULL, amount INT NOT NULL, created_at DATETIME NOT NULL)`,
		`CREATE TABLE newsletter (id AUTO_PK, email VARCHAR(100) NOT NULL, name VARCHAR(100) NULL, unsubscribed_at DATETIME NULL)`,
		`INSERT INTO customers (id, email, name, phone, created_at) VALUES
			(1, 'jan@example.com', 'Jan Jansen', '06-11111111', '2015-01-01 00:00:00'),
			(11, 'jan@example.co', 'Jan Janssen', '06-22222222', '2015-01-01 00:00:00'),
			(12, 'piet@example.com', 'Piet Pieters', '06-22222222', '2015-01-01 00:00:00')`,
		`INSERT INTO addresses (id, customer_id, street) VALUES (1, 1, 'Dorpsstraat 1'), (2, 1, 'Kerkweg 2'), (3, 11, 'Dorpsstraat 11'), (4, 12, 'Molenweg 12')`,
		`INSERT INTO orders (id, customer_id, phone, total, created_at) VALUES
			(1, 1, '06-11111111', 10, '2018-01-01 00:00:00'), (2, 1, NULL, 20, '2019-01-01 00:00:00'),
			(3, 11, '06-22222222', 30, '2018-01-01 00:00:00'), (4, NULL, '06-33333333', 40, '2018-01-01 00:00:00'),
			(11, 12, '06-22222222', 50, '2018-01-01 00:00:00')`,
		`INSERT INTO order_lines (id, order_id, product) VALUES (1, 1, 'kaart'), (2, 1, 'poster'), (3, 2, 'sticker'),
			(4, 3, 'kaart'), (5, 4, 'kaart'), (6, 11, 'poster')`,
		`INSERT INTO invoices (id, order_id, amount, created_at) VALUES (1, 1, 10, '2018-01-01 00:00:00'), (2, 3, 30, '2018-01-01 00:00:00')`,
		`INSERT INTO newsletter (id, email, name, unsubscribed_at) VALUES
			(1, 'jan@example.com', 'Jan', '2019-01-01 00:00:00'), (2, 'jan@example.co', 'Jan', '2019-01-01 00:00:00'),
			(3, 'piet@example.com', NULL, NULL)`)
	switch f.dialect {
	case dbPostgres:
		f.exec(`UPDATE customers SET photo = '\x4a616e00'::bytea WHERE id = 1`)
		// The keys were given: the sequences must move past them.
		for _, t := range []string{"customers", "addresses", "orders", "order_lines", "invoices", "newsletter"} {
			f.exec(`SELECT setval(pg_get_serial_sequence('` + t + `', 'id'), 100)`)
		}
	default:
		f.exec(`UPDATE customers SET photo = X'4A616E00' WHERE id = 1`)
	}
	f.cfg.Subject = &sweeper.Subject{Table: "customers", Match: []string{"email", "phone"}, Links: []sweeper.SubjectLink{
		{Table: "addresses", Column: "customer_id"},
		{Table: "orders", Column: "customer_id"},
		{Table: "order_lines", Column: "order_id", To: "orders"},
		{Table: "invoices", Column: "order_id", To: "orders"},
		{Table: "newsletter", Column: "email", To: "customers", ToColumn: "email"},
	}}
	f.rule(sweeper.Rule{Name: "account-idle-5y", Table: "customers", AgeColumns: []string{"last_login_at", "created_at"},
		OlderThan: years(5), Where: "status <> 'disputed'", Action: sweeper.ActionDelete,
		Related: []sweeper.Related{
			{Table: "addresses", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete},
			{Table: "orders", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDetach},
		}})
	f.rule(sweeper.Rule{Name: "order-phone-6m", Table: "orders", AgeColumns: []string{"created_at"}, OlderThan: months(6),
		Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})
	f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"}, OlderThan: years(7),
		Action: sweeper.ActionDelete, KeepOnRequest: true, Basis: "fiscale bewaarplicht, 7 jaar",
		Related: []sweeper.Related{
			{Table: "order_lines", ForeignKey: []string{"order_id"}, Action: sweeper.ActionDelete},
			{Table: "invoices", ForeignKey: []string{"order_id"}, Action: sweeper.ActionDetach},
		}})
	f.rule(sweeper.Rule{Name: "invoice-10y", Table: "invoices", AgeColumns: []string{"created_at"}, OlderThan: years(10),
		Action: sweeper.ActionDelete, KeepOnRequest: true, Basis: "facturen 10 jaar"})
	f.rule(sweeper.Rule{Name: "newsletter-1m", Table: "newsletter", AgeColumns: []string{"unsubscribed_at"}, OlderThan: months(1),
		Action: sweeper.ActionDelete})
}

// subjRows lists every row of the shop, table by table, as
// "table:id", for comparing a shop before and after.
func subjRows(f *fixture) []string {
	f.t.Helper()
	var out []string
	for _, t := range []string{"customers", "addresses", "orders", "order_lines", "invoices", "newsletter"} {
		for _, id := range f.ids("SELECT id FROM " + t + " ORDER BY id") {
			out = append(out, t+":"+itoa64(id))
		}
	}
	return out
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// subjHold places a hold, failing the test on an error.
func subjHold(t *testing.T, f *fixture, value string, until time.Time) sweeper.HoldInfo {
	t.Helper()
	h, err := f.sw.Hold(context.Background(), sweeper.HoldOptions{Subject: value, Reason: "geschil over factuur, dossier 2026-17", Until: until})
	if err != nil {
		t.Fatalf("hold %s: %v", value, err)
	}
	return h
}

// TestSweeper_Hold holds holds to docs/contract.md §6.2: while a person is
// held, no rule touches their rows in any mapped table, however far ahead
// the sweep; the others' rows go as ever.
func TestSweeper_Hold(t *testing.T) {
	ctx := context.Background()

	t.Run("KeepsThePersonThroughAFarSweep", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			subjShop(f)
			h := subjHold(t, f, "jan@example.com", time.Time{})
			if h.KeyString() != "1" || h.Table != "customers" {
				t.Fatalf("hold: got %+v, want customers 1", h.Person)
			}
			p, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: subjFar})
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			held := map[string]int{}
			for _, r := range p.Rules {
				held[r.Name] = r.Held
			}
			// Jan's account, both his orders (once for the phone: order 2
			// has none), his invoice, his subscription.
			want := map[string]int{"account-idle-5y": 1, "order-phone-6m": 1, "order-7y": 2, "invoice-10y": 1, "newsletter-1m": 1}
			if !mapsEqual(held, want) {
				t.Errorf("plan held: got %v, want %v", held, want)
			}
			// Jan's orders are due under neither order rule while he is
			// held: the three the two rules share are the others'.
			if len(p.Overlaps) != 1 || p.Overlaps[0].Rows != 3 {
				t.Errorf("plan overlaps: got %+v, want order-phone-6m and order-7y sharing 3 rows", p.Overlaps)
			}
			f.sweep(subjFar, sweeper.SweepOptions{})
			got := subjRows(f)
			wantRows := []string{"customers:1", "addresses:1", "addresses:2", "orders:1", "orders:2",
				"order_lines:1", "order_lines:2", "order_lines:3", "invoices:1", "newsletter:1", "newsletter:3"}
			if !slices.Equal(got, wantRows) {
				t.Errorf("rows after the sweep:\n got %v\nwant %v", got, wantRows)
			}
			if got := engStrings(f, `SELECT phone FROM orders WHERE id = 1`); !slices.Equal(got, []string{"06-11111111"}) {
				t.Errorf("held order's phone: got %v, want it kept", got)
			}
			for _, r := range engAudit(f, "") {
				if r.RowKey == "1" && r.Table == "customers" && r.Action != sweeper.AuditHold {
					t.Errorf("audit record of the held person: %+v", r)
				}
			}
		})
	})

	// The run opens without a hold in force, as nearly every run does: the
	// hold comes after its read found the rows due. The account rule's
	// batch locks its rows with a read of its own (related rows); the
	// newsletter rule's, touching its own rows only, with its audit INSERT.
	for _, tc := range []struct {
		rule, table string
		left        []int64
	}{
		{"account-idle-5y", "customers", []int64{1}},
		{"newsletter-1m", "newsletter", []int64{1, 3}},
	} {
		t.Run("PlacedBetweenReadAndLock/"+tc.rule, func(t *testing.T) {
			dialects(t, func(t *testing.T, f *fixture) {
				subjShop(f)
				placed := false
				sweeper.SetBeforeLock(f.sw, func(rule string, keys []any) {
					if rule == tc.rule && !placed {
						placed = true
						subjHold(t, f, "1", time.Time{})
					}
				})
				rep := f.sweep(subjFar, sweeper.SweepOptions{Rules: []string{tc.rule}})
				if !placed {
					t.Fatalf("the hold was never placed: the test proves nothing")
				}
				engWantIDs(t, f, tc.table+" left", `SELECT id FROM `+tc.table+` ORDER BY id`, tc.left...)
				if got := engRule(t, rep, tc.rule).Rows; got == 0 {
					t.Errorf("rows: got none, want the others'")
				}
				if n := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE row_key = '1' AND table_name = '` + tc.table + `' AND action <> 'hold'`); n != 0 {
					t.Errorf("%d audit records of the held person's row", n)
				}
			})
		})
	}
	t.Run("PlacedBetweenLookUpAndLock/erase", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			subjShop(f)
			sweeper.SetBeforeLock(f.sw, func(rule string, keys []any) { subjHold(t, f, "1", time.Time{}) })
			res, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "order-7y", Keys: []string{"1", "3"}})
			if err != nil {
				t.Fatalf("erase: %v", err)
			}
			erWant(t, res, "1="+sweeper.ReasonHeld, "3=erased")
			engWantIDs(t, f, "orders left", `SELECT id FROM orders ORDER BY id`, 1, 2, 4, 11)
		})
	})

	t.Run("ExpiresAndReleases", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			subjShop(f)
			// Jan's hold ends before the sweep; Jan (11) is held until released.
			subjHold(t, f, "1", time.Now().Add(time.Hour))
			subjHold(t, f, "11", time.Time{})
			f.sweep(subjFar, sweeper.SweepOptions{Rules: []string{"account-idle-5y"}})
			engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`, 11)
			holds, err := f.sw.Holds(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(holds) != 2 {
				t.Fatalf("holds: got %d, want 2 (an expired hold stays until released)", len(holds))
			}
			if _, err := f.sw.Release(ctx, "jan@example.co"); err != nil {
				t.Fatalf("release: %v", err)
			}
			// A key names a hold whose person is gone.
			if _, err := f.sw.Release(ctx, "1"); err != nil {
				t.Fatalf("release of a gone person's hold: %v", err)
			}
			if _, err := f.sw.Release(ctx, "1"); err == nil || !strings.Contains(err.Error(), "nothing to release") {
				t.Errorf("second release: got %v, want nothing to release", err)
			}

			f.sweep(subjFar, sweeper.SweepOptions{Rules: []string{"account-idle-5y"}})
			engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`)
			var acts []string
			for _, r := range engAudit(f, "") {
				if r.Action == sweeper.AuditHold || r.Action == sweeper.AuditRelease {
					acts = append(acts, r.Action+":"+r.RowKey)
					if strings.Contains(r.Detail, "dossier") {
						t.Errorf("audit record %+v holds the reason", r)
					}
				}
			}
			if want := []string{"hold:1", "hold:11", "release:11", "release:1"}; !slices.Equal(acts, want) {
				t.Errorf("hold records: got %v, want %v", acts, want)
			}
		})
	})

	t.Run("EraseRefusesAHeldRow", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			subjShop(f)
			subjHold(t, f, "1", time.Time{})
			res, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "order-7y", Keys: []string{"1", "3"}})
			if err != nil {
				t.Fatalf("erase: %v", err)
			}
			erWant(t, res, "1="+sweeper.ReasonHeld, "3=erased")
			engWantIDs(t, f, "orders left", `SELECT id FROM orders ORDER BY id`, 1, 2, 4, 11)
		})
	})

	t.Run("UnknownAndAmbiguous", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			subjShop(f)
			for value, want := range map[string]string{
				"jan@example":     "no person",
				"06-22222222":     "matches 2 people",
				"nobody@else.com": "no person",
			} {
				_, err := f.sw.Hold(ctx, sweeper.HoldOptions{Subject: value, Reason: "x"})
				var se *sweeper.SubjectError
				if !errors.As(err, &se) || !strings.Contains(err.Error(), want) {
					t.Errorf("hold %q: got %v, want a SubjectError saying %q", value, err, want)
				}
			}
			if _, err := f.sw.Release(ctx, "piet@example.com"); err == nil || !strings.Contains(err.Error(), "customers 12 is not held") {
				t.Errorf("release of a person never held: got %v, want not held", err)
			}
			if holds, err := f.sw.Holds(ctx); err != nil || len(holds) != 0 {
				t.Errorf("holds: got %v, %v, want none", holds, err)
			}
		})
	})
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestSweeper_CheckSubject holds check to the data map: it must fit the
// schema, and a table with a foreign key into a mapped table that the map
// leaves out is named.
func TestSweeper_CheckSubject(t *testing.T) {
	ctx := context.Background()
	dialects(t, func(t *testing.T, f *fixture) {
		subjShop(f)
		f.exec(`CREATE TABLE wishlist (id AUTO_PK, customer_id BIGINT NOT NULL, product VARCHAR(50) NOT NULL,
			CONSTRAINT fk_wishlist_customer FOREIGN KEY (customer_id) REFERENCES customers (id))`)
		var warned bool
		for _, fi := range f.sw.Check(ctx) {
			if fi.Severity == sweeper.SeverityError {
				t.Errorf("check: %s", fi)
			}
			if strings.Contains(fi.Message, "wishlist.customer_id refers to customers") && strings.Contains(fi.Message, "leaves out") {
				warned = true
			}
		}
		if !warned {
			t.Errorf("check did not warn about wishlist, whose foreign key refers to the mapped customers")
		}
		f.cfg.Subject.Links = append(f.cfg.Subject.Links, sweeper.SubjectLink{Table: "wishlist", Column: "customer_id"})
		for _, fi := range f.sw.Check(ctx) {
			if fi.Rule == "" && strings.Contains(fi.Message, "wishlist") && !strings.Contains(fi.Message, "no enabled rule") {
				t.Errorf("check, wishlist mapped: %s", fi)
			}
		}

		f.cfg.Subject.Links[0].Column = "customer"
		var found bool
		for _, fi := range f.sw.Check(ctx) {
			if fi.Severity == sweeper.SeverityError && strings.Contains(fi.Message, `column "customer" is not a column of "addresses"`) {
				found = true
			}
		}
		if !found {
			t.Errorf("check did not report the misspelt link column")
		}
		if err := f.sw.CheckSchema(ctx); err == nil || !strings.Contains(err.Error(), `"customer" is not a column`) {
			t.Errorf("CheckSchema: got %v, want the misspelt link column", err)
		}
	})
}

// subjExportIDs renders an export as "table:id" per row, in its order.
func subjExportIDs(t *testing.T, ex *sweeper.Export) []string {
	t.Helper()
	var out []string
	for _, tb := range ex.Tables {
		if tb.Columns[0] != "id" {
			t.Fatalf("table %s: first column %q, want id", tb.Name, tb.Columns[0])
		}
		for _, r := range tb.Rows {
			out = append(out, tb.Name+":"+strings.TrimSpace(strings.Trim(fmtValue(r[0]), `"`)))
		}
	}
	return out
}

func fmtValue(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return x
	case nil:
		return "NULL"
	}
	return "?"
}

// TestSweeper_Export holds export to docs/contract.md §6.1: exactly the
// person's rows in every mapped table, reached directly, through another
// table and by e-mail address, and nothing of anyone else's however
// alike; values as stored, times in RFC 3339, binary as base64; one audit
// record without a value.
func TestSweeper_Export(t *testing.T) {
	ctx := context.Background()
	dialects(t, func(t *testing.T, f *fixture) {
		subjShop(f)
		ex, err := f.sw.Export(ctx, "jan@example.com")
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		if ex.Subject.Table != "customers" || ex.Subject.KeyString() != "1" {
			t.Errorf("subject: got %+v, want customers 1", ex.Subject)
		}
		want := []string{"customers:1", "addresses:1", "addresses:2", "orders:1", "orders:2",
			"order_lines:1", "order_lines:2", "order_lines:3", "invoices:1", "newsletter:1"}
		if got := subjExportIDs(t, ex); !slices.Equal(got, want) {
			t.Errorf("rows:\n got %v\nwant %v", got, want)
		}
		var names []string
		for _, tb := range ex.Tables {
			names = append(names, tb.Name)
		}
		if wantNames := []string{"customers", "addresses", "orders", "order_lines", "invoices", "newsletter"}; !slices.Equal(names, wantNames) {
			t.Errorf("tables: got %v, want %v", names, wantNames)
		}
		c := ex.Tables[0]
		got := map[string]any{}
		for i, col := range c.Columns {
			got[col] = c.Rows[0][i]
		}
		for col, w := range map[string]any{"email": "jan@example.com", "name": "Jan Jansen", "photo": "SmFuAA==",
			"created_at": "2015-01-01T00:00:00+01:00", "last_login_at": nil, "status": "ok"} {
			if got[col] != w {
				t.Errorf("customers.%s: got %#v, want %#v", col, got[col], w)
			}
		}
		if n, ok := got["id"].(int64); !ok || n != 1 {
			t.Errorf("customers.id: got %#v, want the number 1", got["id"])
		}

		// The other Jan gets his own, and none of the first's.
		ex11, err := f.sw.Export(ctx, "11")
		if err != nil {
			t.Fatalf("export 11: %v", err)
		}
		want11 := []string{"customers:11", "addresses:3", "orders:3", "order_lines:4", "invoices:2", "newsletter:2"}
		if got := subjExportIDs(t, ex11); !slices.Equal(got, want11) {
			t.Errorf("rows of 11:\n got %v\nwant %v", got, want11)
		}

		for value, want := range map[string]string{"jan@example": "no person", "06-22222222": "matches 2 people in \"customers\" (keys 11, 12)"} {
			before := engAuditCount(f)
			ex, err := f.sw.Export(ctx, value)
			var se *sweeper.SubjectError
			if ex != nil || !errors.As(err, &se) || !strings.Contains(err.Error(), want) {
				t.Errorf("export %q: got %v, %v, want no export and an error saying %q", value, ex, err, want)
			}
			if engAuditCount(f) != before {
				t.Errorf("export %q wrote an audit record", value)
			}
		}

		var recs []sweeper.AuditRecord
		for _, r := range engAudit(f, "") {
			recs = append(recs, r)
		}
		if len(recs) != 2 || recs[0].Action != sweeper.AuditExport || recs[0].RowKey != "1" || recs[0].Table != "customers" {
			t.Fatalf("audit records: got %+v, want one export record per export", recs)
		}
		if want := "exported: customers 1, addresses 2, orders 2, order_lines 3, invoices 1, newsletter 1"; recs[0].Detail != want {
			t.Errorf("export record detail: got %q, want %q", recs[0].Detail, want)
		}
	})
}

// subjOutcomes renders a subject erasure as "rule: key=outcome ..." or
// "rule: kept k1 k2 (basis)".
func subjOutcomes(er *sweeper.SubjectErasure) []string {
	var out []string
	for _, r := range er.Rules {
		switch {
		case r.Err != nil:
			out = append(out, r.Rule+": error: "+r.Err.Error())
		case r.Kept:
			out = append(out, r.Rule+": kept "+strings.Join(r.KeptKeys, " ")+" ("+r.Basis+")")
		default:
			out = append(out, r.Rule+": "+strings.Join(erOutcomes(r.Result), " "))
		}
	}
	return out
}

// TestSweeper_EraseSubject holds erase --subject to docs/contract.md
// §6.3: every rule on a mapped table applies its action to the person's
// rows, in config order, found before the first acts; rules with
// keep_on_request keep them and say under which basis; where and holds
// still apply; nobody else's rows change.
func TestSweeper_EraseSubject(t *testing.T) {
	ctx := context.Background()
	others := func(f *fixture) string {
		var sb strings.Builder
		for _, q := range []string{
			`SELECT * FROM customers WHERE id <> 1 ORDER BY id`, `SELECT * FROM addresses WHERE customer_id <> 1 ORDER BY id`,
			`SELECT * FROM orders WHERE id NOT IN (1, 2) ORDER BY id`, `SELECT * FROM order_lines ORDER BY id`,
			`SELECT * FROM invoices ORDER BY id`, `SELECT * FROM newsletter WHERE id <> 1 ORDER BY id`,
		} {
			sb.WriteString(engDumpQuery(f, q))
		}
		return sb.String()
	}

	t.Run("ThePersonWhole", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			subjShop(f)
			before, all := others(f), subjRows(f)
			dry, err := f.sw.EraseSubject(ctx, sweeper.EraseSubjectOptions{Subject: "jan@example.com", DryRun: true})
			if err != nil {
				t.Fatalf("dry run: %v", err)
			}
			if engAuditCount(f) != 0 || !slices.Equal(subjRows(f), all) {
				t.Fatalf("the dry run wrote something")
			}
			er, err := f.sw.EraseSubject(ctx, sweeper.EraseSubjectOptions{Subject: "jan@example.com"})
			if err != nil {
				t.Fatalf("erase --subject: %v", err)
			}
			want := []string{
				"account-idle-5y: 1=erased",
				"order-phone-6m: 1=erased 2=already anonymised",
				"order-7y: kept 1 2 (fiscale bewaarplicht, 7 jaar)",
				"invoice-10y: kept 1 (facturen 10 jaar)",
				"newsletter-1m: 1=erased",
			}
			if got := subjOutcomes(er); !slices.Equal(got, want) {
				t.Errorf("outcomes:\n got %q\nwant %q", got, want)
			}
			if got := subjOutcomes(dry); !slices.Equal(got, want) {
				t.Errorf("dry run outcomes:\n got %q\nwant %q", got, want)
			}
			engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`, 11, 12)
			engWantIDs(t, f, "Jan's addresses left", `SELECT id FROM addresses WHERE customer_id = 1`)
			engWantIDs(t, f, "Jan's orders, kept and detached", `SELECT id FROM orders WHERE id IN (1, 2) AND customer_id IS NULL AND phone IS NULL ORDER BY id`, 1, 2)
			engWantIDs(t, f, "newsletter left", `SELECT id FROM newsletter ORDER BY id`, 2, 3)
			if got := others(f); got != before {
				t.Errorf("other people's rows changed:\nbefore:\n%s\nafter:\n%s", before, got)
			}
			for _, r := range engAudit(f, er.RunID) {
				if !strings.HasSuffix(r.Detail, "on request of customers 1") {
					t.Errorf("audit record %+v does not say on whose request", r)
				}
			}
		})
	})

	t.Run("WhereAndHolds", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			subjShop(f)
			f.exec(`UPDATE customers SET status = 'disputed' WHERE id = 12`)
			er, err := f.sw.EraseSubject(ctx, sweeper.EraseSubjectOptions{Subject: "piet@example.com"})
			if err != nil {
				t.Fatalf("erase --subject: %v", err)
			}
			want := []string{
				"account-idle-5y: 12=held by where: status <> 'disputed'",
				"order-phone-6m: 11=erased",
				"order-7y: kept 11 (fiscale bewaarplicht, 7 jaar)",
				"invoice-10y: kept  (facturen 10 jaar)",
				"newsletter-1m: 3=erased",
			}
			if got := subjOutcomes(er); !slices.Equal(got, want) {
				t.Errorf("outcomes:\n got %q\nwant %q", got, want)
			}
			engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`, 1, 11, 12)

			subjHold(t, f, "11", time.Time{})
			before := subjRows(f)
			_, err = f.sw.EraseSubject(ctx, sweeper.EraseSubjectOptions{Subject: "11"})
			var he *sweeper.HeldError
			if !errors.As(err, &he) || he.Hold.KeyString() != "11" {
				t.Errorf("erase of a held person: got %v, want a HeldError", err)
			}
			if got := subjRows(f); !slices.Equal(got, before) {
				t.Errorf("erase of a held person changed rows: %v -> %v", before, got)
			}
		})
	})
}
