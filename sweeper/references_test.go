package sweeper_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/sweeperd/sweeper/sweeper"
)

// refShop is customers with a wishlist that the database deletes along
// with its customer (ON DELETE CASCADE): two idle customers with three
// wishlist rows between them, and one active customer with one.
func refShop(f *fixture, extra ...string) {
	f.t.Helper()
	f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100) NOT NULL, created_at DATETIME NOT NULL)`,
		`CREATE UNIQUE INDEX customers_email ON customers (email)`,
		`CREATE INDEX customers_created ON customers (created_at)`,
		`CREATE TABLE wishlist (id AUTO_PK, customer_id BIGINT NULL, product VARCHAR(50) NOT NULL,
			CONSTRAINT fk_wishlist_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE)`,
		`CREATE INDEX wishlist_customer ON wishlist (customer_id)`,
		`INSERT INTO customers (id, email, created_at) VALUES (1, 'a@example.com', '2015-01-01 00:00:00'),
			(2, 'b@example.com', '2015-01-01 00:00:00'), (3, 'c@example.com', '2026-11-01 00:00:00')`,
		`INSERT INTO wishlist (id, customer_id, product) VALUES (1, 1, 'kaart'), (2, 1, 'envelop'), (3, 2, 'pen'), (4, 3, 'stift')`)
	f.exec(extra...)
}

// refFavourites is a table whose rows the database detaches from their
// customer (ON DELETE SET NULL), for refShop.
var refFavourites = []string{`CREATE TABLE favourites (id AUTO_PK, customer_id BIGINT NULL,
		CONSTRAINT fk_favourites_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL)`,
	`CREATE INDEX favourites_customer ON favourites (customer_id)`,
	`INSERT INTO favourites (customer_id) VALUES (1), (3)`}

func refAccountRule(f *fixture, related ...sweeper.Related) {
	f.rule(sweeper.Rule{Name: "account", Table: "customers", AgeColumns: []string{"created_at"}, OlderThan: years(5),
		Action: sweeper.ActionDelete, Related: related})
}

// refWantRefused holds a rule to a refusal: the sweep, its dry run and an
// erasure fail naming every part of want, and no table changed.
func refWantRefused(t *testing.T, f *fixture, rule string, tables []string, want ...string) {
	t.Helper()
	ctx := context.Background()
	before := map[string]string{}
	for _, tb := range tables {
		before[tb] = engDump(f, tb)
	}
	wantAll := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: got no error, want a refusal naming %q", what, want)
			return
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not name %q", what, err, w)
			}
		}
	}
	for _, dry := range []bool{true, false} {
		what := "sweep"
		if dry {
			what = "sweep --dry-run"
		}
		rep, err := engSweep(f, engAms(2026, 11, 22, 3, 30, 0), sweeper.SweepOptions{Rules: []string{rule}, DryRun: dry})
		wantAll(what, err)
		if rr := engRule(t, rep, rule); rr.Rows != 0 {
			t.Errorf("%s: rows %d, want 0", what, rr.Rows)
		}
	}
	_, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: rule, Keys: []string{"1"}})
	wantAll("erase", err)
	for _, tb := range tables {
		if after := engDump(f, tb); after != before[tb] {
			t.Errorf("%s after the refusals:\ngot  %s\nwant %s", tb, after, before[tb])
		}
	}
	if n := engAuditCount(f); n != 0 {
		t.Errorf("audit records after the refusals: got %d, want 0", n)
	}
	engWantFinding(t, engCheck(f), sweeper.SeverityError, rule, want...)
}

// TestSweeper_ForeignKeys holds the promise that no row goes without its
// audit record: a delete or an update that the database would carry on
// into a table the rule does not handle itself (ON DELETE CASCADE or SET
// NULL, ON UPDATE CASCADE) is refused by sweep, its dry run and erase, and
// is an error in check; listing the table under related makes it work,
// with an audit record per related row.
func TestSweeper_ForeignKeys(t *testing.T) {
	wishlistDeleted := sweeper.Related{Table: "wishlist", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete}
	for _, tc := range []struct {
		name    string
		extra   []string // more of the shop
		rule    func(f *fixture)
		tables  []string // that must not change
		want    []string // in every refusal
		fkNamed string   // the constraint, named where the database keeps names
	}{{
		name:    "CascadeIsRefused",
		rule:    func(f *fixture) { refAccountRule(f) },
		tables:  []string{"customers", "wishlist"},
		want:    []string{"wishlist.customer_id", "ON DELETE CASCADE"},
		fkNamed: "fk_wishlist_customer",
	}, {
		name:    "SetNullIsRefused",
		extra:   refFavourites,
		rule:    func(f *fixture) { refAccountRule(f, wishlistDeleted) },
		tables:  []string{"customers", "wishlist", "favourites"},
		want:    []string{"favourites.customer_id", "ON DELETE SET NULL"},
		fkNamed: "fk_favourites_customer",
	}, {
		// Anonymised first, then deleted by the cascade: the audit table would
		// say anonymise where the rows are gone.
		name: "AnonymisedRelatedIsRefused",
		rule: func(f *fixture) {
			refAccountRule(f, sweeper.Related{Table: "wishlist", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionAnonymise,
				Anonymise: []sweeper.ColumnStrategy{{Column: "product", Strategy: sweeper.StrategyRedact}}})
		},
		tables: []string{"customers", "wishlist"},
		want:   []string{"wishlist.customer_id", "ON DELETE CASCADE", "anonymise"},
	}, {
		name: "CascadeFromRelatedTableIsRefused",
		extra: []string{`CREATE TABLE wishlist_notes (id AUTO_PK, wishlist_id BIGINT NOT NULL,
				CONSTRAINT fk_notes_wishlist FOREIGN KEY (wishlist_id) REFERENCES wishlist (id) ON DELETE CASCADE)`,
			`CREATE INDEX notes_wishlist ON wishlist_notes (wishlist_id)`,
			`INSERT INTO wishlist_notes (wishlist_id) VALUES (1), (4)`},
		rule:    func(f *fixture) { refAccountRule(f, wishlistDeleted) },
		tables:  []string{"customers", "wishlist", "wishlist_notes"},
		want:    []string{"wishlist_notes.wishlist_id", "ON DELETE CASCADE"},
		fkNamed: "fk_notes_wishlist",
	}, {
		name: "UpdateCascadeOfAnonymisedKeyIsRefused",
		extra: []string{`CREATE TABLE newsletter (id AUTO_PK, email VARCHAR(100) NULL,
				CONSTRAINT fk_newsletter_email FOREIGN KEY (email) REFERENCES customers (email) ON UPDATE CASCADE)`,
			`CREATE INDEX newsletter_email ON newsletter (email)`,
			`INSERT INTO newsletter (email) VALUES ('a@example.com'), ('c@example.com')`},
		rule: func(f *fixture) {
			f.rule(sweeper.Rule{Name: "account", Table: "customers", AgeColumns: []string{"created_at"}, OlderThan: years(5),
				Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{{Column: "email", Strategy: sweeper.StrategyEmail}}})
		},
		tables:  []string{"customers", "wishlist", "newsletter"},
		want:    []string{"newsletter.email", "ON UPDATE CASCADE"},
		fkNamed: "fk_newsletter_email",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			dialects(t, func(t *testing.T, f *fixture) {
				refShop(f, tc.extra...)
				tc.rule(f)
				want := append([]string{}, tc.want...)
				// SQLite keeps no names of foreign keys.
				if tc.fkNamed != "" && f.dialect != dbSQLite {
					want = append(want, tc.fkNamed)
				}
				refWantRefused(t, f, "account", tc.tables, want...)
			})
		})
	}
	// A related table anonymised with its foreign key set to NULL refers
	// to nothing when its parent goes: the cascade finds nothing, and the
	// rows keep their other columns blanked (Magento's review nickname of
	// a deleted account).
	t.Run("AnonymisedWithItsForeignKeyNulledWorks", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			refShop(f)
			refAccountRule(f, sweeper.Related{Table: "wishlist", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionAnonymise,
				Anonymise: []sweeper.ColumnStrategy{{Column: "customer_id", Strategy: sweeper.StrategyNull},
					{Column: "product", Strategy: sweeper.StrategyRedact}}})
			if errs := engErrors(engCheck(f)); len(errs) != 0 {
				t.Fatalf("check: got errors %q, want none", errs)
			}
			rr := engRule(t, f.sweep(engAms(2026, 11, 22, 3, 30, 0), sweeper.SweepOptions{}), "account")
			if rr.Err != nil || rr.Rows != 2 || rr.Related[0].Rows != 3 {
				t.Fatalf("sweep: got %d rows, related %+v, error %v; want 2 customers and 3 wishlist rows", rr.Rows, rr.Related, rr.Err)
			}
			engWantIDs(t, f, "wishlist rows kept", `SELECT id FROM wishlist ORDER BY id`, 1, 2, 3, 4)
			if got := engStrings(f, `SELECT product FROM wishlist WHERE customer_id IS NULL ORDER BY id`); !slices.Equal(got,
				[]string{"[verwijderd]", "[verwijderd]", "[verwijderd]"}) {
				t.Errorf("the detached rows' product: got %q, want it redacted", got)
			}
		})
	})
	t.Run("ListedAsRelatedWorks", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			refShop(f, refFavourites...)
			refAccountRule(f, wishlistDeleted,
				sweeper.Related{Table: "favourites", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDetach})
			for _, fd := range engCheck(f) {
				if fd.Severity == sweeper.SeverityError {
					t.Errorf("check: unexpected error: %s", fd)
				}
			}
			rep := f.sweep(engAms(2026, 11, 22, 3, 30, 0), sweeper.SweepOptions{})
			if rr := engRule(t, rep, "account"); rr.Err != nil || rr.Rows != 2 {
				t.Errorf("sweep: got %d rows and error %v, want 2 and none", rr.Rows, rr.Err)
			}
			res, err := f.sw.Erase(context.Background(), sweeper.EraseOptions{Rule: "account", Keys: []string{"3"}})
			if err != nil {
				t.Fatalf("erase: %v", err)
			}
			erWant(t, res, "3=erased")
			engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`)
			engWantIDs(t, f, "wishlist left", `SELECT id FROM wishlist ORDER BY id`)
			engWantIDs(t, f, "favourites attached", `SELECT id FROM favourites WHERE customer_id IS NOT NULL ORDER BY id`)
			var got []string
			for _, r := range engAudit(f, "") {
				if r.Table != "customers" {
					got = append(got, r.Table+":"+r.RowKey+":"+r.Action)
				}
			}
			slices.Sort(got)
			if want := "favourites:1:detach favourites:2:detach wishlist:1:delete wishlist:2:delete wishlist:3:delete wishlist:4:delete"; strings.Join(got, " ") != want {
				t.Errorf("audit records of related rows: got %q, want %q", strings.Join(got, " "), want)
			}
		})
	})
}
