package sweeper_test

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/sweeper"
)

// TestSweeper_CheckPrivilegesPostgres: check names each statement a sweep
// needs that the database user may not run (cmd/sweeper's privilege test
// does the same on MariaDB with README's GRANTs).
func TestSweeper_CheckPrivilegesPostgres(t *testing.T) {
	f := setup(t, dbPostgres)
	f.exec(`CREATE TABLE customers (id AUTO_PK, created_at DATETIME NOT NULL)`,
		`CREATE INDEX customers_created ON customers (created_at)`,
		`CREATE TABLE addresses (id AUTO_PK, customer_id BIGINT NOT NULL)`,
		`CREATE INDEX addresses_customer ON addresses (customer_id)`,
		`CREATE TABLE orders (id AUTO_PK, customer_id BIGINT NULL)`,
		`CREATE INDEX orders_customer ON orders (customer_id)`)
	f.rule(sweeper.Rule{Name: "account", Table: "customers", AgeColumns: []string{"created_at"}, OlderThan: years(5),
		Action: sweeper.ActionDelete, Related: []sweeper.Related{
			{Table: "addresses", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete},
			{Table: "orders", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDetach}}})

	b := make([]byte, 6)
	rand.Read(b)
	role := "sweeper_priv_" + hex.EncodeToString(b)
	f.exec(`CREATE ROLE `+role+` LOGIN`,
		`GRANT SELECT ON customers, orders TO `+role,
		`GRANT SELECT, DELETE ON addresses TO `+role)
	t.Cleanup(func() {
		for _, q := range []string{`DROP OWNED BY ` + role, `DROP ROLE ` + role} {
			if _, err := f.raw.Exec(q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	u, err := url.Parse(f.cfg.Database.DSN)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	store, err := database.Open(t.Context(), "postgres", u.String(), database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sw := &sweeper.Sweeper{Config: f.cfg, Store: store, Log: zap.NewNop()}

	var errs []string
	for _, fd := range sw.Check(t.Context()) {
		if fd.Severity == sweeper.SeverityError {
			errs = append(errs, fd.Message)
		}
	}
	joined := strings.Join(errs, "\n")
	for _, want := range []string{`may not DELETE on "customers"`, `may not UPDATE on "orders"`} {
		if !strings.Contains(joined, want) {
			t.Errorf("check errors lack %q:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, `"addresses"`) {
		t.Errorf("check blames addresses, which the role may delete from:\n%s", joined)
	}
	if len(errs) != 2 {
		t.Errorf("check errors: got %d, want 2:\n%s", len(errs), joined)
	}
}
