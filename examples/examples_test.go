// Package examples_test holds the two example shops to their privacy
// statements: each test loads the shop's schema.sql into its own MariaDB
// database, loads its config.toml as `sweeper` would, seeds rows a second
// before and exactly at every cutoff, sweeps at a fixed night and checks,
// promise by promise (one subtest per rule, named after it), that what must
// go is gone and what must stay stays. README.md in each shop's directory
// maps every promise to its rule and to the subtest here.
package examples_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/connectors/files"
	"github.com/sweeperd/sweeper/connectors/mail"
	"github.com/sweeperd/sweeper/internal/dbtest"
	"github.com/sweeperd/sweeper/internal/smtptest"
	"github.com/sweeperd/sweeper/sweeper"
)

var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return loc
}()

// asOf is the night both shops are swept: 22 November 2026 at 03:30 in
// Amsterdam, the time of the configs' schedule.
var asOf = time.Date(2026, 11, 22, 3, 30, 0, 0, amsterdam)

// ago is asOf minus a calendar period: a rule's cutoff. A row dated a second
// before it is due; a row dated exactly at it is not.
func ago(years, months, days int) time.Time { return asOf.AddDate(-years, -months, -days) }

// dt writes a moment as the shops store it: a DATETIME, wall-clock time in
// Amsterdam.
func dt(t time.Time) string { return t.In(amsterdam).Format("2006-01-02 15:04:05") }

// env stands in for the environment the configs read their secrets from.
var env = map[string]string{
	"SWEEPER_DB_PASSWORD":   "not-used-the-test-sets-the-dsn",
	"SWEEPER_HASH_KEY":      "kleintjesgeluk-test-hash-key",
	"SWEEPER_SMTP_PASSWORD": "not-used-the-test-sets-the-mailer",
}

func lookupEnv(name string) (string, bool) {
	v, ok := env[name]
	return v, ok
}

// shop is one example shop, loaded into a fresh database.
type shop struct {
	t   *testing.T
	db  *sql.DB
	cfg *sweeper.Config
	sw  *sweeper.Sweeper
}

// openShop creates a database, loads dir/schema.sql into it and
// dir/config.toml the way the command line does, pointed at that database.
func openShop(t *testing.T, dir string) *shop {
	t.Helper()
	dsn := dbtest.MySQL(t)
	mc, err := gomysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	mc.MultiStatements = true
	db, err := sql.Open("mysql", mc.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	schema, err := os.ReadFile(filepath.Join(dir, "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(schema)); err != nil {
		t.Fatalf("load %s/schema.sql: %v", dir, err)
	}

	cfg, err := sweeper.LoadFile(filepath.Join(dir, "config.toml"), lookupEnv)
	if err != nil {
		t.Fatalf("load %s/config.toml: %v", dir, err)
	}
	cfg.Database.DSN = dsn
	log := zaptest.NewLogger(t, zaptest.Level(zapcore.WarnLevel))
	st, err := database.Open(context.Background(), cfg.Database.Driver, dsn,
		database.Options{LockWaitTimeout: cfg.Sweeper.LockWaitTimeout, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &shop{t: t, db: db, cfg: cfg, sw: &sweeper.Sweeper{Config: cfg, Store: st, Log: log, Files: files.Remover{}}}
}

// mailServer starts an SMTP server of the test's own and has the shop's
// sweeper send its reminders there.
func (s *shop) mailServer(t *testing.T) *smtptest.Server {
	t.Helper()
	smtp := smtptest.Start(t)
	host, port := smtp.Addr()
	m, err := mail.New(sweeper.Mail{Host: host, Port: port, TLS: "none", From: s.cfg.Mail.From})
	if err != nil {
		t.Fatal(err)
	}
	s.sw.Mailer = m
	return smtp
}

func (s *shop) exec(q string, args ...any) {
	s.t.Helper()
	if _, err := s.db.Exec(q, args...); err != nil {
		s.t.Fatalf("%v\n%s", err, q)
	}
}

func (s *shop) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	return n
}

// value reads one column of one row; ok is false when the row is missing.
func (s *shop) value(t *testing.T, table, column string, id int) (v sql.NullString, ok bool) {
	t.Helper()
	err := s.db.QueryRow(fmt.Sprintf("SELECT %s FROM %s WHERE id = ?", column, table), id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return v, true
}

func (s *shop) exists(t *testing.T, table string, id int) bool {
	t.Helper()
	return s.count(t, fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE id = ?", table), id) == 1
}

// gone fails t for each of the rows that is still there.
func (s *shop) gone(t *testing.T, table string, ids ...int) {
	t.Helper()
	for _, id := range ids {
		if s.exists(t, table, id) {
			t.Errorf("%s %d is still there, want it deleted", table, id)
		}
	}
}

// kept fails t for each of the rows that is missing.
func (s *shop) kept(t *testing.T, table string, ids ...int) {
	t.Helper()
	for _, id := range ids {
		if !s.exists(t, table, id) {
			t.Errorf("%s %d was deleted, want it kept", table, id)
		}
	}
}

// null fails t unless the row exists and column holds NULL (want true) or
// a value (want false).
func (s *shop) null(t *testing.T, table, column string, id int, want bool) {
	t.Helper()
	v, ok := s.value(t, table, column, id)
	switch {
	case !ok:
		t.Errorf("%s %d is gone, want it kept", table, id)
	case want && v.Valid:
		t.Errorf("%s %d: %s = %q, want NULL", table, id, column, v.String)
	case !want && !v.Valid:
		t.Errorf("%s %d: %s is NULL, want it kept", table, id, column)
	}
}

// equal fails t unless the row exists and column holds want.
func (s *shop) equal(t *testing.T, table, column string, id int, want string) {
	t.Helper()
	v, ok := s.value(t, table, column, id)
	switch {
	case !ok:
		t.Errorf("%s %d is gone, want it kept", table, id)
	case !v.Valid || v.String != want:
		t.Errorf("%s %d: %s = %q (valid %v), want %q", table, id, column, v.String, v.Valid, want)
	}
}

// audited fails t unless the rule wrote an audit record of action for the row.
func (s *shop) audited(t *testing.T, rule, table string, id int, action string) {
	t.Helper()
	n := s.count(t, `SELECT COUNT(*) FROM sweeper_audit WHERE rule = ? AND table_name = ? AND row_key = ? AND action = ?`,
		rule, table, fmt.Sprint(id), action)
	if n != 1 {
		t.Errorf("audit records %s/%s/%s %d: got %d, want 1", rule, action, table, id, n)
	}
}

func (s *shop) sweep(at time.Time, rules ...string) *sweeper.Report {
	s.t.Helper()
	// The sweep runs on the day it simulates: the sweeper's own clock,
	// which the clock guard holds the as-of against, is the as-of too.
	s.sw.Now = func() time.Time { return at }
	rep, err := s.sw.Sweep(context.Background(), sweeper.SweepOptions{AsOf: at, Rules: rules})
	if err != nil {
		s.t.Fatalf("sweep as of %s: %v", at, err)
	}
	return rep
}

// check runs `sweeper check` against the loaded schema: no errors.
func (s *shop) check() {
	s.t.Helper()
	for _, f := range s.sw.Check(context.Background()) {
		if f.Severity == sweeper.SeverityError {
			s.t.Errorf("check: %s", f)
		} else {
			s.t.Logf("check: %s", f)
		}
	}
	if _, err := s.sw.Plan(context.Background(), sweeper.PlanOptions{AsOf: asOf}); err != nil {
		s.t.Errorf("plan: %v", err)
	}
}

// everyRuleTested fails when a rule of the config has no subtest of its own.
func (s *shop) everyRuleTested(tested map[string]bool) {
	s.t.Helper()
	for _, r := range s.cfg.Rules {
		if !tested[r.Name] {
			s.t.Errorf("rule %q has no subtest: every promise needs its test", r.Name)
		}
	}
}

// idempotent sweeps again at the same moment: nothing is touched, no audit
// record is written.
func (s *shop) idempotent(t *testing.T) {
	before := s.count(t, `SELECT COUNT(*) FROM sweeper_audit`)
	rep := s.sweep(asOf)
	for _, r := range rep.Rules {
		if r.Rows != 0 || r.Reminders != 0 {
			t.Errorf("second sweep: rule %s touched %d rows and sent %d reminders, want none", r.Name, r.Rows, r.Reminders)
		}
	}
	if after := s.count(t, `SELECT COUNT(*) FROM sweeper_audit`); after != before {
		t.Errorf("second sweep wrote %d audit records, want none", after-before)
	}
}

// run runs one promise's subtest and records that the rule has one.
func run(t *testing.T, tested map[string]bool, rule string, f func(t *testing.T)) {
	t.Helper()
	tested[rule] = true
	t.Run(rule, f)
}

// TestKleintjesgeluk holds examples/kleintjesgeluk to the card shop's
// privacy statement.
func TestKleintjesgeluk(t *testing.T) {
	s := openShop(t, "kleintjesgeluk")
	seedKleintjesgeluk(s)
	s.check()
	s.sweep(asOf)

	tested := map[string]bool{}
	run(t, tested, "account-idle-7y", func(t *testing.T) {
		// Anne's last login was a second more than 7 years ago; Carla never
		// logged in after registering, a second more than 7 years ago.
		s.gone(t, "customers", 1, 3)
		// Bas logged in, Daan registered, exactly 7 years ago; Eva is active.
		s.kept(t, "customers", 2, 4, 5)
		// Everything of Anne's account goes with it ...
		s.gone(t, "customer_addresses", 1)
		s.gone(t, "favourites", 1)
		s.gone(t, "card_designs", 1)
		s.gone(t, "contact_messages", 1)
		s.gone(t, "service_requests", 1)
		s.kept(t, "customer_addresses", 2)
		// ... but the quote and invoice the law makes the shop keep stay,
		// detached, and so does her place in a running study.
		s.null(t, "quotes", "customer_id", 1, true)
		s.null(t, "invoices", "customer_id", 1, true)
		s.null(t, "research_participants", "customer_id", 164, true)
		s.audited(t, "account-idle-7y", "customers", 1, "delete")
		s.audited(t, "account-idle-7y", "customer_addresses", 1, "delete")
		s.audited(t, "account-idle-7y", "invoices", 1, "detach")
	})
	run(t, tested, "account-deletion-request", func(t *testing.T) {
		s.gone(t, "customers", 6)
		s.kept(t, "customers", 7) // asked exactly a day ago: the day to undo is not over
		s.gone(t, "customer_addresses", 6)
		s.gone(t, "favourites", 6)
		s.gone(t, "card_designs", 6)
		s.gone(t, "contact_messages", 6)
		s.gone(t, "service_requests", 6)
		s.kept(t, "customer_addresses", 7)
		// Her order, quote and invoice stay for the fiscal record, detached.
		s.null(t, "orders", "customer_id", 6, true)
		s.null(t, "quotes", "customer_id", 6, true)
		s.null(t, "invoices", "customer_id", 6, true)
		s.equal(t, "invoices", "order_id", 6, "6")
	})
	run(t, tested, "design-guest-order-1y", func(t *testing.T) {
		s.gone(t, "card_designs", 20)
		s.kept(t, "card_designs", 21) // its order is exactly a year old
		s.kept(t, "card_designs", 22) // saved in Eva's account
		s.kept(t, "orders", 20, 21)   // the orders themselves have 7 years
	})
	run(t, tested, "design-guest-unordered-30d", func(t *testing.T) {
		s.gone(t, "card_designs", 30)
		s.kept(t, "card_designs", 31, 32)
	})
	run(t, tested, "order-7y", func(t *testing.T) {
		s.gone(t, "orders", 40)
		s.gone(t, "order_lines", 40, 41)
		s.kept(t, "orders", 41)
		s.kept(t, "order_lines", 42)
		// The invoice and payment of the order have 8 years; the design Eva
		// printed for it stays in her account.
		s.null(t, "invoices", "order_id", 40, true)
		s.null(t, "payments", "order_id", 40, true)
		s.null(t, "card_designs", "order_id", 40, true)
		s.audited(t, "order-7y", "order_lines", 41, "delete")
	})
	run(t, tested, "quote-8y", func(t *testing.T) {
		s.gone(t, "quotes", 50)
		s.gone(t, "quote_lines", 50, 51)
		s.kept(t, "quotes", 51)
		s.kept(t, "quote_lines", 52)
		s.null(t, "orders", "quote_id", 50, true)
	})
	run(t, tested, "invoice-8y", func(t *testing.T) {
		s.gone(t, "invoices", 60)
		s.gone(t, "invoice_lines", 60, 61)
		s.kept(t, "invoices", 40, 61)
		// Paid an hour after the invoice date: the payment's own 8 years are
		// not over.
		s.null(t, "payments", "invoice_id", 60, true)
	})
	run(t, tested, "payment-account-7y", func(t *testing.T) {
		s.null(t, "payments", "iban", 70, true)
		s.null(t, "payments", "account_holder", 70, true)
		s.equal(t, "payments", "amount_cents", 70, "2495")
		s.equal(t, "payments", "iban", 71, "NL91ABNA0417164300")
		s.equal(t, "payments", "account_holder", 71, "M. de Vries")
	})
	run(t, tested, "payment-8y", func(t *testing.T) {
		s.gone(t, "payments", 80)
		s.kept(t, "payments", 81, 40, 60)
	})
	run(t, tested, "contact-5y", func(t *testing.T) {
		s.gone(t, "contact_messages", 90)
		s.kept(t, "contact_messages", 91)
	})
	run(t, tested, "service-request-handled", func(t *testing.T) {
		// Handled two weeks and a second ago: nothing about the person is left ...
		for _, col := range []string{"customer_id", "name", "phone", "order_number"} {
			s.null(t, "service_requests", col, 100, true)
		}
		s.equal(t, "service_requests", "email", 100, "[verwijderd]")
		s.equal(t, "service_requests", "message", 100, "[verwijderd]")
		// ... and the statistics keep their facts.
		s.equal(t, "service_requests", "category", 100, "drukkwaliteit")
		s.equal(t, "service_requests", "kind", 100, "complaint")
		// Handled exactly two weeks ago; reopened; open.
		for _, id := range []int{101, 102, 103} {
			s.equal(t, "service_requests", "email", id, fmt.Sprintf("klant%d@example.nl", id))
		}
	})
	run(t, tested, "service-request-5y", func(t *testing.T) {
		s.equal(t, "service_requests", "email", 110, "[verwijderd]")
		s.null(t, "service_requests", "name", 110, true)
		s.equal(t, "service_requests", "email", 111, "klant111@example.nl")
	})
	run(t, tested, "newsletter-unsubscribed", func(t *testing.T) {
		s.null(t, "newsletter_subscribers", "name", 120, true)
		// The address is its keyed hash: given the address, the shop finds
		// the subscription and its proof; the address cannot be read back.
		s.equal(t, "newsletter_subscribers", "email", 120, hmacHex(env["SWEEPER_HASH_KEY"], "lotte@example.nl"))
		s.kept(t, "newsletter_optins", 120)
		s.equal(t, "newsletter_subscribers", "email", 121, "joris@example.nl")
		s.equal(t, "newsletter_subscribers", "name", 121, "Joris")
		s.equal(t, "newsletter_subscribers", "email", 122, "sanne@example.nl")
	})
	run(t, tested, "newsletter-optin-proof-5y", func(t *testing.T) {
		s.gone(t, "newsletter_subscribers", 130)
		s.gone(t, "newsletter_optins", 130)
		s.kept(t, "newsletter_subscribers", 131)
		s.kept(t, "newsletter_optins", 131)
	})
	run(t, tested, "newsletter-unconfirmed-30d", func(t *testing.T) {
		s.gone(t, "newsletter_subscribers", 140)
		s.gone(t, "newsletter_optins", 140)
		s.kept(t, "newsletter_subscribers", 141, 142)
	})
	run(t, tested, "contest-entries", func(t *testing.T) {
		// Contest 1's terms ran out a second ago; contest 2's run out now;
		// contest 3 keeps entries a year.
		s.gone(t, "contest_entries", 150, 151)
		s.kept(t, "contest_entries", 152, 153)
		s.kept(t, "contests", 1, 2, 3)
	})
	run(t, tested, "research-finished", func(t *testing.T) {
		s.gone(t, "research_participants", 160, 161)
		s.gone(t, "research_responses", 160, 161)
		s.kept(t, "research_participants", 162, 163, 164)
		s.kept(t, "research_responses", 162)
		s.kept(t, "research_studies", 1) // the anonymous outcome stays
	})
	s.everyRuleTested(tested)
	t.Run("second-sweep-changes-nothing", s.idempotent)
}

// hmacHex is what the hash strategy writes for a value: the shop's way to
// find a hashed address again.
func hmacHex(key, value string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(value))
	return "hmac:" + hex.EncodeToString(m.Sum(nil))
}

func seedKleintjesgeluk(s *shop) {
	cut1d, cut30d, cut2w := ago(0, 0, 1), ago(0, 0, 30), ago(0, 0, 14)
	cut1y, cut5, cut7, cut8 := ago(1, 0, 0), ago(5, 0, 0), ago(7, 0, 0), ago(8, 0, 0)
	sec := time.Second
	day := func(t time.Time, n int) time.Time { return t.AddDate(0, 0, n) }

	customer := func(id int, name string, created time.Time, lastLogin, deletionRequested any) {
		s.exec(`INSERT INTO customers (id, email, password_hash, first_name, last_name, created_at, last_login_at, deletion_requested_at)
			VALUES (?, ?, '$2y$10$x', ?, 'de Vries', ?, ?, ?)`, id, strings.ToLower(name)+"@example.nl", name, dt(created), lastLogin, deletionRequested)
	}
	recent := dt(time.Date(2026, 11, 20, 21, 14, 0, 0, amsterdam))
	customer(1, "Anne", time.Date(2015, 3, 1, 10, 0, 0, 0, amsterdam), dt(cut7.Add(-sec)), nil)
	customer(2, "Bas", time.Date(2015, 3, 1, 10, 0, 0, 0, amsterdam), dt(cut7), nil)
	customer(3, "Carla", cut7.Add(-sec), nil, nil)
	customer(4, "Daan", cut7, nil, nil)
	customer(5, "Eva", time.Date(2012, 5, 6, 9, 0, 0, 0, amsterdam), dt(time.Date(2026, 11, 1, 8, 0, 0, 0, amsterdam)), nil)
	customer(6, "Fenna", time.Date(2020, 1, 1, 12, 0, 0, 0, amsterdam), recent, dt(cut1d.Add(-sec)))
	customer(7, "Gijs", time.Date(2020, 1, 1, 12, 0, 0, 0, amsterdam), recent, dt(cut1d))

	for _, id := range []int{1, 2, 6, 7} {
		s.exec(`INSERT INTO customer_addresses (id, customer_id, label, recipient_name, street, house_number, postcode, city, created_at)
			VALUES (?, ?, 'oma', 'Oma Jansen', 'Dorpsstraat', '12', '1906 AB', 'Limmen', '2019-06-01 10:00:00')`, id, id)
	}
	for _, id := range []int{1, 6} {
		s.exec(`INSERT INTO favourites (id, customer_id, product_sku, created_at) VALUES (?, ?, 'GEB-0412', '2019-06-01 10:00:00')`, id, id)
	}

	order := func(id int, customer, quote any, ordered time.Time) {
		s.exec(`INSERT INTO orders (id, order_number, customer_id, quote_id, email, first_name, last_name, phone, street, house_number, postcode, city, total_cents, status, ordered_at)
			VALUES (?, ?, ?, ?, ?, 'Klant', 'Achternaam', '06-12345678', 'Hogeweg', '6', '1906 CA', 'Limmen', 4995, 'shipped', ?)`,
			id, fmt.Sprintf("KG%06d", id), customer, quote, fmt.Sprintf("koper%d@example.nl", id), dt(ordered))
	}
	design := func(id int, customer, order any, updated time.Time) {
		s.exec(`INSERT INTO card_designs (id, customer_id, guest_token, order_id, product_sku, title, content, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'GEB-0412', 'Geboortekaartje', '{"naam":"Sem","geboren":"2026-10-30","gewicht":"3450 gram"}', ?, ?)`,
			id, customer, fmt.Sprintf("%032d", id), order, dt(updated), dt(updated))
	}
	quote := func(id int, customer any, created time.Time) {
		s.exec(`INSERT INTO quotes (id, quote_number, customer_id, company_name, contact_name, email, description, total_cents, status, created_at)
			VALUES (?, ?, ?, 'Kinderopvang De Bij', 'Marieke Bos', 'marieke@example.nl', '500 uitnodigingen', 42500, 'sent', ?)`,
			id, fmt.Sprintf("OFF%05d", id), customer, dt(created))
	}
	invoice := func(id int, order, customer any, date time.Time) {
		s.exec(`INSERT INTO invoices (id, invoice_number, order_id, customer_id, billing_name, street, house_number, postcode, city, email, total_cents, vat_cents, invoice_date)
			VALUES (?, ?, ?, ?, 'M. de Vries', 'Hogeweg', '6', '1906 CA', 'Limmen', 'factuur@example.nl', 4995, 867, ?)`,
			id, fmt.Sprintf("F%07d", id), order, customer, dt(date))
	}
	payment := func(id int, order, invoice any, paid time.Time) {
		s.exec(`INSERT INTO payments (id, order_id, invoice_id, method, amount_cents, psp_reference, iban, account_holder, paid_at)
			VALUES (?, ?, ?, 'ideal', 2495, ?, 'NL91ABNA0417164300', 'M. de Vries', ?)`, id, order, invoice, fmt.Sprintf("tr_%d", id), dt(paid))
	}
	contact := func(id int, customer any, received time.Time) {
		s.exec(`INSERT INTO contact_messages (id, customer_id, channel, name, email, subject, message, received_at)
			VALUES (?, ?, 'email', 'Anouk', 'anouk@example.nl', 'Levertijd', 'Wanneer worden mijn kaarten verstuurd?', ?)`, id, customer, dt(received))
	}
	service := func(id int, customer any, status string, received time.Time, handled any) {
		s.exec(`INSERT INTO service_requests (id, customer_id, kind, category, order_number, name, email, phone, message, design_access, status, received_at, handled_at)
			VALUES (?, ?, 'complaint', 'drukkwaliteit', 'KG000022', 'Petra', ?, '06-87654321', 'De kleur van de kaart is anders dan op het scherm.', 1, ?, ?, ?)`,
			id, customer, fmt.Sprintf("klant%d@example.nl", id), status, dt(received), handled)
	}

	// Anne (idle, goes): her design, contact, request, quote and invoice.
	design(1, 1, nil, time.Date(2019, 1, 5, 20, 0, 0, 0, amsterdam))
	contact(1, 1, time.Date(2024, 5, 1, 9, 0, 0, 0, amsterdam))
	service(1, 1, "open", time.Date(2024, 5, 1, 9, 0, 0, 0, amsterdam), nil)
	quote(1, 1, day(cut7, -1))
	invoice(1, nil, 1, day(cut7, -1))
	// Fenna (asked for deletion): an order of last month with its design,
	// quote and invoice.
	order(6, 6, nil, time.Date(2026, 10, 1, 14, 0, 0, 0, amsterdam))
	design(6, 6, 6, time.Date(2026, 9, 30, 22, 0, 0, 0, amsterdam))
	contact(6, 6, time.Date(2026, 10, 2, 9, 0, 0, 0, amsterdam))
	service(6, 6, "open", time.Date(2026, 10, 2, 9, 0, 0, 0, amsterdam), nil)
	quote(6, 6, time.Date(2026, 9, 1, 9, 0, 0, 0, amsterdam))
	invoice(6, 6, 6, time.Date(2026, 10, 1, 14, 0, 0, 0, amsterdam))

	// Guest designs.
	order(20, nil, nil, cut1y.Add(-sec))
	design(20, nil, 20, cut1y.Add(-sec))
	order(21, nil, nil, cut1y)
	design(21, nil, 21, cut1y)
	order(22, 5, nil, day(cut1y, -1))
	design(22, 5, 22, day(cut1y, -1))
	design(30, nil, nil, cut30d.Add(-sec))
	design(31, nil, nil, cut30d)
	design(32, 5, nil, time.Date(2020, 2, 2, 20, 0, 0, 0, amsterdam))

	// Orders of 7 years.
	order(40, nil, nil, cut7.Add(-sec))
	order(41, nil, nil, cut7)
	for id, o := range map[int]int{40: 40, 41: 40, 42: 41} {
		s.exec(`INSERT INTO order_lines (id, order_id, product_sku, description, quantity, unit_price_cents, ship_to_name, ship_to_address)
			VALUES (?, ?, 'GEB-0412', 'Geboortekaartje Sem', 50, 99, 'Oma Jansen', 'Dorpsstraat 12, 1906 AB Limmen')`, id, o)
	}
	invoice(40, 40, nil, cut7.Add(-sec))
	payment(40, 40, 40, cut7.Add(-sec))
	design(40, 5, 40, day(cut7, -2))

	// Quotes of 8 years; order 50 was made from quote 50 a year later.
	quote(50, nil, cut8.Add(-sec))
	quote(51, nil, cut8)
	for id, q := range map[int]int{50: 50, 51: 50, 52: 51} {
		s.exec(`INSERT INTO quote_lines (id, quote_id, description, quantity, price_cents) VALUES (?, ?, 'Uitnodiging A6', 500, 85)`, id, q)
	}
	order(50, nil, 50, day(cut7, 1))

	// Invoices of 8 years; payment 60 came in an hour after invoice 60's date.
	invoice(60, nil, nil, cut8.Add(-sec))
	invoice(61, nil, nil, cut8)
	for id, inv := range map[int]int{60: 60, 61: 60, 62: 61} {
		s.exec(`INSERT INTO invoice_lines (id, invoice_id, description, quantity, unit_price_cents, vat_rate) VALUES (?, ?, 'Geboortekaartje', 50, 99, 21.00)`, id, inv)
	}
	payment(60, nil, 60, cut8.Add(time.Hour))

	// Payments: the account after 7 years, the rest after 8.
	payment(70, nil, nil, cut7.Add(-sec))
	payment(71, nil, nil, cut7)
	payment(80, nil, nil, cut8.Add(-sec))
	payment(81, nil, nil, cut8)

	// Contact history.
	contact(90, nil, cut5.Add(-sec))
	contact(91, nil, cut5)

	// Customer service.
	service(100, 5, "handled", day(cut2w, -3), dt(cut2w.Add(-sec)))
	service(101, nil, "handled", day(cut2w, -3), dt(cut2w))
	service(102, nil, "open", day(cut2w, -5), dt(day(cut2w, -1))) // reopened
	service(103, nil, "open", time.Date(2026, 11, 20, 10, 0, 0, 0, amsterdam), nil)
	service(110, nil, "waiting", cut5.Add(-sec), nil)
	service(111, nil, "waiting", cut5, nil)

	// Newsletter.
	subscriber := func(id int, email, name, source string, subscribed time.Time, confirmed, unsubscribed any) {
		s.exec(`INSERT INTO newsletter_subscribers (id, email, name, source, subscribed_at, confirmed_at, unsubscribed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, email, name, source, dt(subscribed), confirmed, unsubscribed)
		if source == "signup" {
			s.exec(`INSERT INTO newsletter_optins (id, subscriber_id, consent_text, requested_at, request_ip, confirmed_at, confirm_ip, confirm_user_agent)
				VALUES (?, ?, 'Ja, ik wil de nieuwsbrief van Kleintjesgeluk ontvangen', ?, '198.51.100.7', ?, IF(? IS NULL, NULL, '198.51.100.7'), NULL)`,
				id, id, dt(subscribed), confirmed, confirmed)
		}
	}
	since := time.Date(2019, 4, 1, 20, 0, 0, 0, amsterdam)
	subscriber(120, "lotte@example.nl", "Lotte", "signup", since, dt(since), dt(cut1d.Add(-sec)))
	subscriber(121, "joris@example.nl", "Joris", "signup", since, dt(since), dt(cut1d))
	subscriber(122, "sanne@example.nl", "Sanne", "signup", since, dt(since), nil)
	subscriber(130, "kees@example.nl", "Kees", "signup", since, dt(since), dt(cut5.Add(-sec)))
	subscriber(131, "kim@example.nl", "Kim", "signup", since, dt(since), dt(cut5))
	subscriber(140, "nina@example.nl", "Nina", "signup", cut30d.Add(-sec), nil, nil)
	subscriber(141, "olaf@example.nl", "Olaf", "signup", cut30d, nil, nil)
	subscriber(142, "pim@example.nl", "Pim", "customer", time.Date(2024, 1, 1, 12, 0, 0, 0, amsterdam), nil, nil)

	// Contests: the terms of 1 and 2 keep entries 90 days after the end, of 3 a year.
	contest := func(id int, ends time.Time, days int) {
		s.exec(`INSERT INTO contests (id, title, terms_url, starts_at, ends_at, retention_days) VALUES (?, ?, ?, ?, ?, ?)`,
			id, fmt.Sprintf("Winactie %d", id), fmt.Sprintf("https://www.kleintjesgeluk.nl/actievoorwaarden/%d", id), dt(day(ends, -30)), dt(ends), days)
	}
	contest(1, day(asOf, -90).Add(-sec), 90)
	contest(2, day(asOf, -90), 90)
	contest(3, day(asOf, -200), 365)
	for id, c := range map[int]int{150: 1, 151: 1, 152: 2, 153: 3} {
		s.exec(`INSERT INTO contest_entries (id, contest_id, name, email, answer, entered_at) VALUES (?, ?, 'Ruben', 'ruben@example.nl', 'Sem', '2026-06-01 12:00:00')`, id, c)
	}

	// Research: study 1 was finished a day and a second ago, study 2 exactly a
	// day ago, study 3 still runs.
	for id, fin := range map[int]any{1: dt(cut1d.Add(-sec)), 2: dt(cut1d), 3: nil} {
		s.exec(`INSERT INTO research_studies (id, title, kind, started_at, finalized_at, summary) VALUES (?, ?, 'customer', '2026-09-01 09:00:00', ?, NULL)`,
			id, fmt.Sprintf("Klantonderzoek %d", id), fin)
	}
	for id, p := range map[int][2]any{160: {1, 5}, 161: {1, nil}, 162: {2, nil}, 163: {3, nil}, 164: {3, 1}} {
		s.exec(`INSERT INTO research_participants (id, study_id, customer_id, email, phone, invited_at, responded_at)
			VALUES (?, ?, ?, 'deelnemer@example.nl', '06-11112222', '2026-09-02 09:00:00', '2026-09-03 20:00:00')`, id, p[0], p[1])
	}
	for id, p := range map[int]int{160: 160, 161: 160, 162: 162} {
		s.exec(`INSERT INTO research_responses (id, participant_id, question_no, answer) VALUES (?, ?, 1, 'Het ontwerpen ging makkelijk.')`, id, p)
	}
}

// TestJKreeft holds examples/jkreeft to the photographer's privacy policy,
// including the reminder a month before an idle account is deleted (sent over
// SMTP with the real templates) and the photo files that go with their rows.
func TestJKreeft(t *testing.T) {
	s := openShop(t, "jkreeft")
	root := filepath.Join(t.TempDir(), "photos")
	for _, r := range s.cfg.Rules {
		if r.Files != nil {
			r.Files.Root = root
		}
	}
	smtp := s.mailServer(t)
	photos := seedJKreeft(s, root)
	s.check()
	s.sweep(asOf)

	tested := map[string]bool{}
	run(t, tested, "order-session-3w", func(t *testing.T) {
		// Counted from entering the code, not from the last change.
		s.gone(t, "order_sessions", 1)
		s.kept(t, "order_sessions", 2)
	})
	run(t, tested, "order-phone-6m", func(t *testing.T) {
		s.null(t, "orders", "salutation", 10, true)
		s.null(t, "orders", "phone", 10, true)
		s.equal(t, "orders", "last_name", 10, "Kreeft")
		s.equal(t, "orders", "email", 10, "koper10@example.nl")
		s.equal(t, "orders", "salutation", 11, "Mevrouw")
		s.equal(t, "orders", "phone", 11, "06-12345678")
		s.null(t, "orders", "phone", 13, true)
		s.equal(t, "orders", "phone", 60, "06-12345678")
	})
	run(t, tested, "order-7y", func(t *testing.T) {
		s.gone(t, "orders", 20)
		s.gone(t, "order_items", 20, 21)
		s.kept(t, "orders", 21)
		s.kept(t, "order_items", 22)
	})
	run(t, tested, "photo-online-term", func(t *testing.T) {
		// Gallery 30's month ended a second ago, gallery 34's owner asked for
		// removal an hour ago: photos and files are gone.
		s.gone(t, "photos", 30, 31, 34)
		// Gallery 31 ends now; 32 was extended by 48 months; 33 was never
		// published; 90 belongs to an assignment long gone but was extended.
		s.kept(t, "photos", 32, 33, 35, 90)
		for id, path := range photos {
			_, err := os.Stat(filepath.Join(root, path))
			switch id {
			case 30, 31, 34:
				if err == nil {
					t.Errorf("file of photo %d is still there", id)
				}
			default:
				if err != nil {
					t.Errorf("file of photo %d: %v, want it kept", id, err)
				}
			}
		}
		// The order keeps its copy of the photo's number.
		s.null(t, "order_items", "photo_id", 30, true)
		s.equal(t, "order_items", "photo_ref", 30, "EXPI0030-0030")
		s.audited(t, "photo-online-term", "photos", 30, "file")
	})
	run(t, tested, "gallery-offline", func(t *testing.T) {
		s.gone(t, "galleries", 30, 34)
		s.gone(t, "order_sessions", 30)
		s.gone(t, "account_galleries", 30)
		s.kept(t, "galleries", 1, 31, 32, 33, 90)
	})
	run(t, tested, "account-idle-5y", func(t *testing.T) {
		testReminderCycle(t, s, smtp)
	})
	run(t, tested, "account-consent-withdrawn", func(t *testing.T) {
		s.gone(t, "customers", 60)
		s.kept(t, "customers", 55, 61) // withdrew exactly at the run: the next run
		s.gone(t, "account_galleries", 60)
		s.kept(t, "account_galleries", 61)
		s.null(t, "orders", "customer_id", 60, true)
		s.null(t, "reviews", "customer_id", 60, true)
		s.null(t, "complaints", "customer_id", 60, true)
		s.kept(t, "orders", 60)
	})
	run(t, tested, "assignment-communication-4y", func(t *testing.T) {
		s.gone(t, "assignment_messages", 70, 71)
		s.kept(t, "assignment_messages", 72, 73) // completed exactly 4 years ago; still running
		s.kept(t, "assignments", 70, 71, 72)
	})
	run(t, tested, "contact-person-3y", func(t *testing.T) {
		s.gone(t, "contact_persons", 80, 83, 92)
		// 81 is the contact of a later assignment, 82 of a running one, 84
		// was entered exactly 3 years ago, 85's assignment ended exactly then.
		s.kept(t, "contact_persons", 81, 82, 84, 85)
		s.null(t, "assignments", "contact_person_id", 80, true)
		s.audited(t, "contact-person-3y", "assignments", 80, "detach")
	})
	run(t, tested, "assignment-contact-link-3y", func(t *testing.T) {
		s.null(t, "assignments", "contact_person_id", 81, true)
		s.null(t, "assignments", "contact_person_id", 83, true)
		s.equal(t, "assignments", "contact_person_id", 82, "81")
		s.equal(t, "assignments", "contact_person_id", 84, "82")
		s.equal(t, "assignments", "contact_person_id", 85, "85")
	})
	run(t, tested, "assignment-7y", func(t *testing.T) {
		s.gone(t, "assignments", 90, 92)
		s.gone(t, "assignment_messages", 90)
		s.kept(t, "assignments", 91, 93)
		s.null(t, "galleries", "assignment_id", 90, true)
	})
	run(t, tested, "client-7y", func(t *testing.T) {
		s.gone(t, "clients", 4)
		s.kept(t, "clients", 1, 2, 3, 5, 6)
	})
	run(t, tested, "review-consent-withdrawn", func(t *testing.T) {
		s.gone(t, "reviews", 100)
		s.kept(t, "reviews", 60, 101, 102)
	})
	run(t, tested, "complaint-handled", func(t *testing.T) {
		s.gone(t, "complaints", 110)
		s.kept(t, "complaints", 60, 111)
	})
	run(t, tested, "complaint-filed-1y", func(t *testing.T) {
		s.gone(t, "complaints", 112)
		s.kept(t, "complaints", 113)
	})
	run(t, tested, "contact-message-handled", func(t *testing.T) {
		s.gone(t, "contact_messages", 120)
		s.kept(t, "contact_messages", 121)
	})
	run(t, tested, "contact-message-1y", func(t *testing.T) {
		s.gone(t, "contact_messages", 122)
		s.kept(t, "contact_messages", 123)
	})
	run(t, tested, "crm-opted-out", func(t *testing.T) {
		s.gone(t, "crm_contacts", 130)
		s.kept(t, "crm_contacts", 131)
	})
	run(t, tested, "crm-no-order-5y", func(t *testing.T) {
		s.gone(t, "crm_contacts", 132)
		s.kept(t, "crm_contacts", 133)
	})
	s.everyRuleTested(tested)
}

// testReminderCycle follows the idle accounts through the month the policy
// promises: "Een maand voor het verstrijken van die vijfjaarstermijn
// verstuurt JKreeft.com hierover nog wel een reminder." The sweep at asOf
// (T) has run.
func testReminderCycle(t *testing.T, s *shop, smtp *smtptest.Server) {
	const rule = "account-idle-5y"
	to := func() []string {
		var out []string
		for _, m := range smtp.Messages() {
			out = append(out, m.To)
		}
		return out
	}
	// T: Mila (five years on 2 December), Noah (overdue: the sweeper was just
	// installed) and Yara (five years on 27 November) are reminded; nobody
	// goes. Tim's five years end exactly a month after T: not yet. Zoe is as
	// idle as Mila but closed her account: no mail asking her to log in.
	if got := strings.Join(to(), ","); got != "mila@example.nl,noah@example.nl,yara@example.nl" {
		t.Fatalf("reminders at T: got %s, want mila, noah and yara", got)
	}
	s.kept(t, "customers", 50, 51, 52, 53, 54, 55)
	for _, m := range smtp.Messages() {
		if m.Subject != "Je account bij JKreeft.com wordt binnenkort verwijderd" {
			t.Errorf("subject: got %q", m.Subject)
		}
		// Everyone gets the full month: the later of five years and T + 1 month.
		if !strings.Contains(m.Body, "Vanaf 22 december 2026 verwijderen we") {
			t.Errorf("mail to %s should announce 22 december 2026:\n%s", m.To, m.Body)
		}
	}
	if m := smtp.Messages()[0]; !strings.HasPrefix(m.Body, "Beste Mila,") {
		t.Errorf("mail to Mila should greet her by name:\n%s", m.Body)
	}
	s.audited(t, rule, "customers", 50, "remind")
	t.Run("second-sweep-changes-nothing", s.idempotent)

	// Yara logs in on 2 December: her reminder no longer counts.
	s.exec(`UPDATE customers SET last_login_at = '2026-12-02 19:12:00' WHERE id = 54`)

	// T + 29 days: still there. Tim's window has opened: he is reminded now.
	s.sweep(asOf.AddDate(0, 0, 29), rule)
	s.kept(t, "customers", 50, 51, 52, 53, 54)
	if got := to(); len(got) != 4 || got[3] != "tim@example.nl" {
		t.Errorf("reminders by T+29d: got %v, want a fourth to tim", got)
	} else if m := smtp.Messages()[3]; !strings.Contains(m.Body, "21 januari 2027") {
		t.Errorf("Tim's mail should announce 21 januari 2027 (a month after it was sent):\n%s", m.Body)
	}

	// A second before T + 1 month: the month is not over.
	s.sweep(asOf.AddDate(0, 1, 0).Add(-time.Second), rule)
	s.kept(t, "customers", 50, 51)

	// T + 1 month: Mila and Noah go, with their links to galleries; Mila's
	// order stays for the fiscal 7 years, detached. Yara logged in; Tim's
	// month runs until 21 January.
	s.sweep(asOf.AddDate(0, 1, 0), rule)
	s.gone(t, "customers", 50, 51)
	s.gone(t, "account_galleries", 50)
	s.null(t, "orders", "customer_id", 13, true)
	s.kept(t, "customers", 52, 53, 54, 55)
	s.audited(t, rule, "customers", 50, "delete")
	if got := len(to()); got != 4 {
		t.Errorf("reminders by T+1 month: got %d, want 4", got)
	}

	// Tim goes a month after his reminder.
	s.sweep(asOf.AddDate(0, 0, 29).AddDate(0, 1, 0), rule)
	s.gone(t, "customers", 53)
	s.kept(t, "customers", 52, 54)

	// The English template renders the same promise.
	tmpl, err := sweeper.LoadTemplate(filepath.Join("jkreeft", "templates", "account-reminder.en.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := tmpl.Check([]string{"first_name"}); err != nil {
		t.Errorf("English template: %v", err)
	}
	subject, body, err := tmpl.Render(sweeper.ReminderData{DeleteOn: asOf.AddDate(0, 1, 0), Rule: rule, Row: map[string]any{"first_name": "Mila"}})
	if err != nil || subject != "Your JKreeft.com account will be deleted soon" || !strings.Contains(body, "From 22 December 2026") {
		t.Errorf("English template: got %q, %q, %v", subject, body, err)
	}
}

// seedJKreeft fills the photographer's database and writes the photo files
// under root. It returns the photos' file paths by id.
func seedJKreeft(s *shop, root string) map[int]string {
	cut1d, cut3w, cut1m, cut6m := ago(0, 0, 1), ago(0, 0, 21), ago(0, 1, 0), ago(0, 6, 0)
	cut1y, cut3, cut4, cut5, cut7 := ago(1, 0, 0), ago(3, 0, 0), ago(4, 0, 0), ago(5, 0, 0), ago(7, 0, 0)
	sec := time.Second
	day := func(t time.Time, n int) time.Time { return t.AddDate(0, 0, n) }
	long := dt(time.Date(2015, 2, 1, 10, 0, 0, 0, amsterdam))
	recent := dt(time.Date(2026, 11, 15, 20, 0, 0, 0, amsterdam))

	customer := func(id int, name, created string, lastLogin, withdrawn any) {
		s.exec(`INSERT INTO customers (id, email, password_hash, first_name, last_name, created_at, last_login_at, consent_withdrawn_at)
			VALUES (?, ?, '$2y$10$x', ?, 'Kreeft', ?, ?, ?)`, id, strings.ToLower(name)+"@example.nl", name, created, lastLogin, withdrawn)
	}
	customer(50, "Mila", long, dt(asOf.AddDate(-5, 0, 10)), nil)                // five years on 2 December
	customer(51, "Noah", long, dt(cut5.Add(-sec)), nil)                         // overdue
	customer(52, "Sara", long, dt(asOf.AddDate(-1, 0, 0)), nil)                 // active
	customer(53, "Tim", long, dt(asOf.AddDate(0, 1, 0).AddDate(-5, 0, 0)), nil) // five years a month after T
	customer(54, "Yara", long, dt(asOf.AddDate(-5, 0, 5)), nil)                 // five years on 27 November
	customer(55, "Zoe", long, dt(asOf.AddDate(-5, 0, 10)), dt(asOf))            // idle like Mila, but closed the account at the run
	customer(60, "Lars", "2022-03-01 10:00:00", recent, dt(asOf.Add(-sec)))     // deleted the account a second ago
	customer(61, "Iris", "2022-03-01 10:00:00", recent, dt(asOf))               // at the moment of the run

	// Clients, contact persons, assignments and their communication.
	client := func(id int, kind, name string, created time.Time) {
		s.exec(`INSERT INTO clients (id, kind, name, email, created_at) VALUES (?, ?, ?, 'info@example.nl', ?)`, id, kind, name, dt(created))
	}
	client(1, "school", "OBS De Wiekslag", time.Date(2015, 1, 10, 9, 0, 0, 0, amsterdam))
	client(2, "company", "Bakkerij Van Dam", time.Date(2015, 1, 10, 9, 0, 0, 0, amsterdam))
	client(3, "private", "Familie De Groot", time.Date(2012, 1, 10, 9, 0, 0, 0, amsterdam))
	client(4, "private", "Jeroen Bakker", cut7.Add(-sec))
	client(5, "company", "Visserij Goeree", cut7.Add(-sec))
	client(6, "private", "Marloes Visser", cut7)
	person := func(id, client int, created time.Time) {
		s.exec(`INSERT INTO contact_persons (id, client_id, name, role, email, phone, created_at) VALUES (?, ?, ?, 'contactpersoon', 'contact@example.nl', '0187-123456', ?)`,
			id, client, fmt.Sprintf("Contactpersoon %d", id), dt(created))
	}
	old := time.Date(2015, 1, 10, 9, 0, 0, 0, amsterdam)
	for id, c := range map[int]int{80: 2, 81: 2, 82: 1, 85: 1, 92: 4} {
		person(id, c, old)
	}
	person(83, 1, cut3.Add(-sec))
	person(84, 1, cut3)
	assignment := func(id, client int, person any, completed any) {
		s.exec(`INSERT INTO assignments (id, client_id, contact_person_id, title, online_months, created_at, completed_at) VALUES (?, ?, ?, ?, 1, '2015-01-10 09:00:00', ?)`,
			id, client, person, fmt.Sprintf("Opdracht %d", id), completed)
	}
	assignment(70, 1, nil, dt(cut4.Add(-sec)))
	assignment(71, 1, nil, dt(cut4))
	assignment(72, 1, nil, nil)
	assignment(80, 2, 80, dt(cut3.Add(-sec)))
	assignment(81, 2, 81, dt(day(cut3, -1)))
	assignment(82, 2, 81, dt(cut3.AddDate(1, 0, 0)))
	assignment(83, 1, 82, dt(cut3.AddDate(-1, 0, 0)))
	assignment(84, 1, 82, nil)
	assignment(85, 1, 85, dt(cut3))
	assignment(90, 3, nil, dt(cut7.Add(-sec)))
	assignment(91, 3, nil, dt(cut7))
	assignment(92, 4, 92, dt(day(cut7, -1)))
	assignment(93, 5, nil, "2026-06-01 17:00:00")
	for id, a := range map[int]int{70: 70, 71: 70, 72: 71, 73: 72, 90: 90} {
		s.exec(`INSERT INTO assignment_messages (id, assignment_id, direction, channel, correspondent, subject, body, sent_at)
			VALUES (?, ?, 'in', 'email', 'Contactpersoon', 'Planning fotodag', 'Kunnen we de fotodag naar dinsdag verplaatsen?', '2015-01-12 10:00:00')`, id, a)
	}

	// Galleries and photos, with their files on disk.
	gallery := func(id int, assignment any, code string, published, until any, extensions int) {
		s.exec(`INSERT INTO galleries (id, assignment_id, login_code, subject_name, published_at, online_until, extensions, created_at)
			VALUES (?, ?, ?, 'Sanne, groep 5', ?, ?, ?, '2015-01-10 09:00:00')`, id, assignment, code, published, until, extensions)
	}
	gallery(1, nil, "SESS0001", dt(day(asOf, -5)), dt(day(asOf, 26)), 0)
	gallery(30, nil, "EXPI0030", dt(cut1m.Add(-sec)), dt(asOf.Add(-sec)), 0)      // the month ended a second ago
	gallery(31, nil, "EXPI0031", dt(cut1m), dt(asOf), 0)                          // the month ends now
	gallery(32, nil, "EXTD0032", "2021-06-01 09:00:00", dt(day(asOf, 20)), 1)     // extended by 48 months
	gallery(33, nil, "UNPB0033", nil, nil, 0)                                     // not published yet
	gallery(34, nil, "RMVD0034", dt(day(asOf, -10)), dt(asOf.Add(-time.Hour)), 0) // removal asked an hour ago
	gallery(90, 90, "OLD00090", "2019-09-01 09:00:00", dt(asOf.AddDate(1, 0, 0)), 2)
	photos := map[int]string{}
	photo := func(id, gallery int, path string) {
		s.exec(`INSERT INTO photos (id, gallery_id, file_path, taken_at) VALUES (?, ?, ?, '2026-10-01 10:00:00')`, id, gallery, path)
		p := filepath.Join(root, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			s.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("JPEG"), 0o644); err != nil {
			s.t.Fatal(err)
		}
		photos[id] = path
	}
	photo(30, 30, "2026/expi0030/0030.jpg")
	photo(31, 30, "2026/expi0030/0031.jpg")
	photo(32, 31, "2026/expi0031/0032.jpg")
	photo(33, 33, "2026/unpb0033/0033.jpg")
	photo(34, 34, "2026/rmvd0034/0034.jpg")
	photo(35, 32, "2021/extd0032/0035.jpg")
	photo(90, 90, "2019/old00090/0090.jpg")
	for id, link := range map[int][2]int{30: {52, 30}, 50: {50, 32}, 60: {60, 32}, 61: {61, 32}} {
		s.exec(`INSERT INTO account_galleries (id, customer_id, gallery_id, added_at) VALUES (?, ?, ?, '2026-10-01 20:00:00')`, id, link[0], link[1])
	}

	// Web-shop sessions after entering a login code.
	session := func(id, gallery int, started, updated time.Time) {
		s.exec(`INSERT INTO order_sessions (id, session_id, gallery_id, cart, email, first_name, phone, started_at, updated_at)
			VALUES (?, ?, ?, '[{"photo":"0030","product":"print 13x18"}]', 'ouder@example.nl', 'Ouder', '06-55554444', ?, ?)`,
			id, fmt.Sprintf("s%042d", id), gallery, dt(started), dt(updated))
	}
	session(1, 1, cut3w.Add(-sec), day(asOf, -1))
	session(2, 1, cut3w, cut3w)
	session(30, 30, day(asOf, -2), day(asOf, -2))

	// Orders.
	order := func(id int, customer, salutation, phone any, ordered time.Time) {
		s.exec(`INSERT INTO orders (id, order_number, customer_id, salutation, first_name, last_name, street, house_number, postcode, city, phone, email, total_cents, status, ordered_at)
			VALUES (?, ?, ?, ?, 'Koper', 'Kreeft', 'Kaai', '3', '3241 AB', 'Middelharnis', ?, ?, 1995, 'delivered', ?)`,
			id, fmt.Sprintf("JK%06d", id), customer, salutation, phone, fmt.Sprintf("koper%d@example.nl", id), dt(ordered))
	}
	order(10, nil, "De heer", "06-12345678", cut6m.Add(-sec))
	order(11, nil, "Mevrouw", "06-12345678", cut6m)
	order(12, nil, nil, nil, day(cut6m, -1))
	order(13, 50, "Mevrouw", "06-12345678", time.Date(2021, 12, 1, 19, 0, 0, 0, amsterdam))
	order(20, nil, "De heer", "06-12345678", cut7.Add(-sec))
	order(21, nil, "De heer", "06-12345678", cut7)
	order(60, 60, "De heer", "06-12345678", time.Date(2026, 10, 1, 19, 0, 0, 0, amsterdam))
	item := func(id, order int, photo any, ref string) {
		s.exec(`INSERT INTO order_items (id, order_id, photo_id, photo_ref, product, quantity, price_cents) VALUES (?, ?, ?, ?, 'print 13x18', 1, 695)`, id, order, photo, ref)
	}
	item(20, 20, nil, "OLD-0001")
	item(21, 20, nil, "OLD-0002")
	item(22, 21, nil, "OLD-0003")
	item(30, 11, 30, "EXPI0030-0030")

	// Reviews, complaints, contact messages.
	review := func(id int, customer any, withdrawn any) {
		s.exec(`INSERT INTO reviews (id, customer_id, channel, display_name, rating, body, created_at, consent_withdrawn_at)
			VALUES (?, ?, 'website', 'Marieke de Jong', 5, 'Prachtige foto''s van onze kinderen!', '2019-05-01 20:00:00', ?)`, id, customer, withdrawn)
	}
	review(60, 60, nil)
	review(100, nil, dt(cut1d.Add(-sec)))
	review(101, nil, dt(cut1d))
	review(102, nil, nil)
	complaint := func(id int, customer any, filed time.Time, handled any) {
		s.exec(`INSERT INTO complaints (id, customer_id, channel, name, email, order_number, body, filed_at, handled_at)
			VALUES (?, ?, 'facebook', 'Bram de Wit', 'bram@example.nl', 'JK000011', 'De afdrukken zijn te donker.', ?, ?)`, id, customer, dt(filed), handled)
	}
	complaint(60, 60, time.Date(2026, 11, 1, 9, 0, 0, 0, amsterdam), nil)
	complaint(110, nil, time.Date(2026, 10, 1, 9, 0, 0, 0, amsterdam), dt(cut1d.Add(-sec)))
	complaint(111, nil, time.Date(2026, 10, 1, 9, 0, 0, 0, amsterdam), dt(cut1d))
	complaint(112, nil, cut1y.Add(-sec), nil)
	complaint(113, nil, cut1y, nil)
	message := func(id int, received time.Time, handled any) {
		s.exec(`INSERT INTO contact_messages (id, name, email, message, received_at, handled_at)
			VALUES (?, 'Femke', 'femke@example.nl', 'Kan ik ook digitale bestanden bestellen?', ?, ?)`, id, dt(received), handled)
	}
	message(120, day(cut1m, -3), dt(cut1m.Add(-sec)))
	message(121, day(cut1m, -3), dt(cut1m))
	message(122, cut1y.Add(-sec), nil)
	message(123, cut1y, nil)

	// The relationship management system.
	crm := func(id int, lastOrder time.Time, optedOut any) {
		s.exec(`INSERT INTO crm_contacts (id, email, first_name, last_name, street, house_number, postcode, city, last_order_at, opted_out_at)
			VALUES (?, ?, 'Koper', 'Kreeft', 'Kaai', '3', '3241 AB', 'Middelharnis', ?, ?)`, id, fmt.Sprintf("crm%d@example.nl", id), dt(lastOrder), optedOut)
	}
	crm(130, time.Date(2025, 6, 1, 12, 0, 0, 0, amsterdam), dt(cut1d.Add(-sec)))
	crm(131, time.Date(2025, 6, 1, 12, 0, 0, 0, amsterdam), dt(cut1d))
	crm(132, cut5.Add(-sec), nil)
	crm(133, cut5, nil)
	return photos
}
