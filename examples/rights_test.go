package examples_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// The requests from data subjects each statement promises (access and a
// copy, restriction, erasure), held to the shops' data maps: a person with
// a row in every mapped table, and another with an e-mail address alike,
// as README.md in each shop's directory lists them.

// farNight is a night by which every row the rights tests seed is due.
var farNight = time.Date(2040, 1, 8, 3, 30, 0, 0, amsterdam)

// exportOf exports a person, failing t on an error, as JSON per table:
// the rows the person has there.
func (s *shop) exportOf(t *testing.T, value string) map[string]string {
	t.Helper()
	ex, err := s.sw.Export(context.Background(), value)
	if err != nil {
		t.Fatalf("export %s: %v", value, err)
	}
	out := map[string]string{}
	for _, tb := range ex.Tables {
		b, err := json.Marshal(tb.Rows)
		if err != nil {
			t.Fatal(err)
		}
		out[tb.Name] = string(b)
	}
	return out
}

// mapComplete fails t when check says anything about the data map: a
// table that refers to a mapped one and is left out, a mapped table no
// rule handles, a link that does not fit.
func (s *shop) mapComplete(t *testing.T) {
	t.Helper()
	for _, f := range s.sw.Check(context.Background()) {
		if strings.HasPrefix(f.Message, "subject:") || strings.Contains(f.Message, "keep_on_request") {
			t.Errorf("check: %s", f)
		}
	}
}

// everyTable fails t unless the export has rows in every mapped table.
func (s *shop) everyTable(t *testing.T, ex map[string]string) {
	t.Helper()
	tables := []string{s.cfg.Subject.Table}
	for _, l := range s.cfg.Subject.Links {
		if !slices.Contains(tables, l.Table) {
			tables = append(tables, l.Table)
		}
	}
	if len(ex) != len(tables) {
		t.Errorf("export: %d tables, the map has %d", len(ex), len(tables))
	}
	for _, tb := range tables {
		if ex[tb] == "" || ex[tb] == "[]" {
			t.Errorf("export: no rows of %s, want the person's", tb)
		}
	}
}

// holdThroughFarSweep holds a person, sweeps far ahead and checks that
// the person's export did not change while the other person's account
// went; then releases the hold.
func (s *shop) holdThroughFarSweep(t *testing.T, held, other string, otherID int) {
	ctx := context.Background()
	before := s.exportOf(t, held)
	if _, err := s.sw.Hold(ctx, sweeper.HoldOptions{Subject: held, Reason: "geschil"}); err != nil {
		t.Fatalf("hold: %v", err)
	}
	s.sw.Now = func() time.Time { return farNight }
	p, err := s.sw.Plan(ctx, sweeper.PlanOptions{AsOf: farNight})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	held0 := 0
	for _, r := range p.Rules {
		held0 += r.Held
	}
	if held0 == 0 {
		t.Errorf("plan: no rule counts rows kept by the hold")
	}
	s.sweep(farNight)
	after := s.exportOf(t, held)
	if len(after) != len(before) {
		t.Errorf("the held person's export has rows in %d tables after the sweep, %d before", len(after), len(before))
	}
	for tb, rows := range before {
		if after[tb] != rows {
			t.Errorf("%s of the held person changed in the sweep:\n got %s\nwant %s", tb, after[tb], rows)
		}
	}
	s.gone(t, "customers", otherID)
	var serr *sweeper.SubjectError
	if _, err := s.sw.Export(ctx, other); !errors.As(err, &serr) || len(serr.Keys) != 0 {
		t.Errorf("the other person after the sweep: export says %v, want that nobody has the value", err)
	}
	if _, err := s.sw.Release(ctx, held); err != nil {
		t.Fatalf("release: %v", err)
	}
}

// keptRules renders the rules an erasure kept rows under: "rule table:k1,k2".
func keptRules(er *sweeper.SubjectErasure) []string {
	var out []string
	for _, r := range er.Rules {
		if r.Err != nil {
			out = append(out, r.Rule+" error: "+r.Err.Error())
		}
		if r.Kept {
			out = append(out, r.Rule+" "+r.Table+":"+strings.Join(r.KeptKeys, ","))
		}
	}
	return out
}

// seedKleintjesgelukPerson gives person id a row in every mapped table of
// the card shop, and a guest order (id+1000) with a design, placed with the
// account's e-mail address. Every date is in October 2026.
func seedKleintjesgelukPerson(s *shop, id int, email string) {
	g := id + 1000
	for _, q := range []string{
		`INSERT INTO customers (id, email, password_hash, first_name, last_name, created_at, last_login_at) VALUES (%[1]d, '%[3]s', 'x', 'Iris', 'Jansen', '2026-10-01 10:00:00', '2026-10-01 10:00:00')`,
		`INSERT INTO customer_addresses (id, customer_id, recipient_name, street, house_number, postcode, city, created_at) VALUES (%[1]d, %[1]d, 'Iris Jansen', 'Dorpsstraat', '1', '1906 AA', 'Limmen', '2026-10-01 10:00:00')`,
		`INSERT INTO favourites (id, customer_id, product_sku, created_at) VALUES (%[1]d, %[1]d, 'GEB-0001', '2026-10-01 10:00:00')`,
		`INSERT INTO quotes (id, quote_number, customer_id, contact_name, email, description, total_cents, status, created_at) VALUES (%[1]d, 'Q%[1]d', %[1]d, 'Iris Jansen', '%[3]s', 'kaarten', 100, 'sent', '2026-10-01 10:00:00')`,
		`INSERT INTO quote_lines (id, quote_id, description, quantity, price_cents) VALUES (%[1]d, %[1]d, 'kaart', 1, 100)`,
		`INSERT INTO orders (id, order_number, customer_id, quote_id, email, first_name, last_name, phone, street, house_number, postcode, city, total_cents, status, ordered_at) VALUES
			(%[1]d, 'O%[1]d', %[1]d, %[1]d, '%[3]s', 'Iris', 'Jansen', '06-12345678', 'Dorpsstraat', '1', '1906 AA', 'Limmen', 100, 'shipped', '2026-10-02 10:00:00'),
			(%[2]d, 'O%[2]d', NULL, NULL, '%[3]s', 'Iris', 'Jansen', NULL, 'Dorpsstraat', '1', '1906 AA', 'Limmen', 100, 'shipped', '2026-10-03 10:00:00')`,
		`INSERT INTO order_lines (id, order_id, product_sku, description, quantity, unit_price_cents) VALUES (%[1]d, %[1]d, 'GEB', 'kaart', 1, 100), (%[2]d, %[2]d, 'GEB', 'kaart', 1, 100)`,
		`INSERT INTO card_designs (id, customer_id, guest_token, order_id, product_sku, content, created_at, updated_at) VALUES
			(%[1]d, %[1]d, NULL, NULL, 'GEB', '{"naam": "Iris"}', '2026-10-01 10:00:00', '2026-10-01 10:00:00'),
			(%[2]d, NULL, 'token%[2]d', %[2]d, 'GEB', '{"naam": "Iris"}', '2026-10-03 10:00:00', '2026-10-03 10:00:00')`,
		`INSERT INTO invoices (id, invoice_number, order_id, customer_id, billing_name, street, house_number, postcode, city, email, total_cents, vat_cents, invoice_date) VALUES (%[1]d, 'F%[1]d', %[1]d, %[1]d, 'Iris Jansen', 'Dorpsstraat', '1', '1906 AA', 'Limmen', '%[3]s', 100, 21, '2026-10-02 10:00:00')`,
		`INSERT INTO invoice_lines (id, invoice_id, description, quantity, unit_price_cents, vat_rate) VALUES (%[1]d, %[1]d, 'kaart', 1, 100, 21.00)`,
		`INSERT INTO payments (id, order_id, invoice_id, method, amount_cents, iban, account_holder, paid_at) VALUES (%[1]d, %[1]d, %[1]d, 'ideal', 100, 'NL91ABNA0417164300', 'I. Jansen', '2026-10-02 10:00:00')`,
		`INSERT INTO contact_messages (id, customer_id, channel, name, email, subject, message, received_at) VALUES (%[1]d, %[1]d, 'email', 'Iris', '%[3]s', 'vraag', 'Waar blijven mijn kaarten?', '2026-10-04 10:00:00')`,
		`INSERT INTO service_requests (id, customer_id, kind, category, name, email, message, status, received_at) VALUES (%[1]d, %[1]d, 'question', 'delivery', 'Iris', '%[3]s', 'Waar blijven mijn kaarten?', 'open', '2026-10-04 10:00:00')`,
		`INSERT INTO newsletter_subscribers (id, email, name, source, subscribed_at, confirmed_at) VALUES (%[1]d, '%[3]s', 'Iris', 'signup', '2026-10-01 10:00:00', '2026-10-01 10:05:00')`,
		`INSERT INTO newsletter_optins (id, subscriber_id, consent_text, requested_at, request_ip) VALUES (%[1]d, %[1]d, 'Ja, stuur me de nieuwsbrief', '2026-10-01 10:00:00', '192.0.2.1')`,
		`INSERT INTO contests (id, title, terms_url, starts_at, ends_at, retention_days) VALUES (%[1]d, 'Wedstrijd', 'https://example.nl/voorwaarden', '2026-10-01 00:00:00', '2026-10-31 00:00:00', 30)`,
		`INSERT INTO contest_entries (id, contest_id, name, email, entered_at) VALUES (%[1]d, %[1]d, 'Iris', '%[3]s', '2026-10-05 10:00:00')`,
		`INSERT INTO research_studies (id, title, kind, started_at) VALUES (%[1]d, 'Onderzoek', 'customer', '2026-10-01 00:00:00')`,
		`INSERT INTO research_participants (id, study_id, customer_id, email, invited_at) VALUES (%[1]d, %[1]d, %[1]d, '%[3]s', '2026-10-01 10:00:00')`,
		`INSERT INTO research_responses (id, participant_id, question_no, answer) VALUES (%[1]d, %[1]d, 1, 'Mooie kaarten')`,
	} {
		s.exec(fmt.Sprintf(q, id, g, email))
	}
}

// TestKleintjesgeluk_Rights holds the card shop's data map to the
// statement's "gegevens in te zien ... te verwijderen ... een
// gegevensexport ... de verwerking ... laten beperken".
func TestKleintjesgeluk_Rights(t *testing.T) {
	s := openShop(t, "kleintjesgeluk")
	seedKleintjesgelukPerson(s, 100, "iris@example.nl")
	seedKleintjesgelukPerson(s, 101, "iris@example.nl.invalid")
	ctx := context.Background()

	t.Run("map-complete", s.mapComplete)
	t.Run("export", func(t *testing.T) {
		ex := s.exportOf(t, "iris@example.nl")
		s.everyTable(t, ex)
		if !strings.Contains(ex["orders"], `"O1100"`) || !strings.Contains(ex["card_designs"], `"token1100"`) {
			t.Errorf("export: the guest order and design placed with the account's address are missing:\n%s\n%s", ex["orders"], ex["card_designs"])
		}
		for tb, rows := range ex {
			if strings.Contains(rows, "example.nl.invalid") || strings.Contains(rows, "101") {
				t.Errorf("export: %s holds the other person's rows: %s", tb, rows)
			}
		}
	})
	t.Run("hold", func(t *testing.T) { s.holdThroughFarSweep(t, "iris@example.nl", "iris@example.nl.invalid", 101) })
	t.Run("erase-subject", func(t *testing.T) {
		er, err := s.sw.EraseSubject(ctx, sweeper.EraseSubjectOptions{Subject: "100"})
		if err != nil {
			t.Fatalf("erase --subject: %v", err)
		}
		want := []string{"order-7y orders:100,1100", "quote-8y quotes:100", "invoice-8y invoices:100",
			"payment-account-7y payments:100", "payment-8y payments:100", "newsletter-optin-proof-5y newsletter_subscribers:100"}
		if got := keptRules(er); !slices.Equal(got, want) {
			t.Errorf("kept:\n got %q\nwant %q", got, want)
		}
		s.gone(t, "customers", 100)
		for _, tb := range []string{"customer_addresses", "favourites", "contact_messages", "service_requests", "contest_entries",
			"research_participants", "research_responses"} {
			s.gone(t, tb, 100)
		}
		s.gone(t, "card_designs", 100, 1100)
		s.kept(t, "orders", 100, 1100)
		s.kept(t, "order_lines", 100, 1100)
		s.kept(t, "quotes", 100)
		s.kept(t, "invoices", 100)
		s.null(t, "payments", "iban", 100, false)
		s.null(t, "orders", "customer_id", 100, true)
		s.null(t, "newsletter_subscribers", "name", 100, true)
		if n := s.count(t, `SELECT COUNT(*) FROM newsletter_subscribers WHERE id = 100 AND email LIKE 'hmac:%'`); n != 1 {
			t.Errorf("newsletter subscription: the address is not hashed")
		}
		s.kept(t, "newsletter_optins", 100)
		if n := s.count(t, `SELECT COUNT(*) FROM sweeper_audit WHERE detail LIKE '%on request of customers 100'`); n == 0 {
			t.Errorf("no audit record says on whose request")
		}
	})
}

// seedJKreeftPerson gives person id a row in every mapped table of the
// photographer's shop, a guest order (id+1000) and a complaint by
// telephone (id+1000) with the account's e-mail address. Every date is in
// October 2026; a consent withdrawn (withdrawn) deletes the account in the
// first run after it.
func seedJKreeftPerson(s *shop, id int, email string, withdrawn bool) {
	g := id + 1000
	consent := "NULL"
	if withdrawn {
		consent = "'2026-10-20 10:00:00'"
	}
	for _, q := range []string{
		`INSERT INTO customers (id, email, password_hash, first_name, last_name, phone, created_at, last_login_at, consent_withdrawn_at) VALUES (%[1]d, '%[3]s', 'x', 'Iris', 'Jansen', '06-12345678', '2026-10-01 10:00:00', '2026-10-01 10:00:00', %[4]s)`,
		`INSERT INTO galleries (id, login_code, subject_name, published_at, online_until, created_at) VALUES (%[1]d, 'CODE%[1]d', 'Sanne, groep 5', '2026-10-01 10:00:00', '2026-11-01 10:00:00', '2026-10-01 10:00:00')`,
		`INSERT INTO account_galleries (id, customer_id, gallery_id, added_at) VALUES (%[1]d, %[1]d, %[1]d, '2026-10-02 10:00:00')`,
		`INSERT INTO orders (id, order_number, customer_id, salutation, first_name, last_name, street, house_number, postcode, city, phone, email, total_cents, status, ordered_at) VALUES
			(%[1]d, 'JK%[1]d', %[1]d, 'mevr.', 'Iris', 'Jansen', 'Dorpsstraat', '1', '3241 AA', 'Middelharnis', '06-12345678', '%[3]s', 1500, 'delivered', '2026-10-03 10:00:00'),
			(%[2]d, 'JK%[2]d', NULL, NULL, 'Iris', 'Jansen', 'Dorpsstraat', '1', '3241 AA', 'Middelharnis', NULL, '%[3]s', 1500, 'delivered', '2026-10-04 10:00:00')`,
		`INSERT INTO order_items (id, order_id, photo_ref, product, quantity, price_cents) VALUES (%[1]d, %[1]d, 'K7Q2-0001', 'print 13x18', 1, 1500), (%[2]d, %[2]d, 'K7Q2-0002', 'digitaal', 1, 1500)`,
		`INSERT INTO order_sessions (id, session_id, gallery_id, cart, email, first_name, started_at, updated_at) VALUES (%[1]d, 'sess%[1]d', %[1]d, '[]', '%[3]s', 'Iris', '2026-10-02 10:00:00', '2026-10-02 10:00:00')`,
		`INSERT INTO reviews (id, customer_id, channel, display_name, rating, body, created_at) VALUES (%[1]d, %[1]d, 'website', 'Iris J.', 5, 'Mooie foto''s', '2026-10-05 10:00:00')`,
		`INSERT INTO complaints (id, customer_id, channel, name, email, body, filed_at) VALUES
			(%[1]d, %[1]d, 'email', 'Iris Jansen', '%[3]s', 'Te laat', '2026-10-06 10:00:00'),
			(%[2]d, NULL, 'phone', 'Iris Jansen', '%[3]s', 'Verkeerde maat', '2026-10-07 10:00:00')`,
		`INSERT INTO crm_contacts (id, email, first_name, last_name, last_order_at) VALUES (%[1]d, '%[3]s', 'Iris', 'Jansen', '2026-10-04 10:00:00')`,
		`INSERT INTO contact_messages (id, name, email, message, received_at) VALUES (%[1]d, 'Iris Jansen', '%[3]s', 'Kan ik nabestellen?', '2026-10-08 10:00:00')`,
	} {
		s.exec(fmt.Sprintf(q, id, g, email, consent))
	}
}

// TestJKreeft_Rights holds the photographer's data map to the policy's
// "inzage (art. 15 AVG) ... wissing (art. 17 AVG) ... beperking van de
// verwerking (art. 18 AVG) ... overdraagbaarheid van gegevens (art. 20 AVG)".
func TestJKreeft_Rights(t *testing.T) {
	s := openShop(t, "jkreeft")
	for _, r := range s.cfg.Rules {
		if r.Files != nil {
			r.Files.Root = t.TempDir()
		}
	}
	// No mail goes out: the held account is kept out of the reminders too.
	smtp := s.mailServer(t)
	seedJKreeftPerson(s, 100, "iris@example.nl", false)
	seedJKreeftPerson(s, 101, "iris@example.nl.invalid", true)
	ctx := context.Background()

	t.Run("map-complete", s.mapComplete)
	t.Run("export", func(t *testing.T) {
		ex := s.exportOf(t, "iris@example.nl")
		s.everyTable(t, ex)
		if !strings.Contains(ex["orders"], `"JK1100"`) || !strings.Contains(ex["complaints"], "Verkeerde maat") {
			t.Errorf("export: the guest order and the complaint by phone with the account's address are missing")
		}
		for tb, rows := range ex {
			if strings.Contains(rows, "example.nl.invalid") || strings.Contains(rows, "101") {
				t.Errorf("export: %s holds the other person's rows: %s", tb, rows)
			}
		}
	})
	t.Run("hold", func(t *testing.T) {
		s.holdThroughFarSweep(t, "iris@example.nl", "iris@example.nl.invalid", 101)
		// The gallery the held account added stays with it (its link is the
		// person's); the other account's gallery went with its link.
		s.kept(t, "galleries", 100)
		s.gone(t, "galleries", 101)
		if n := len(smtp.Messages()); n != 0 {
			t.Errorf("%d reminders went out, want none: the account is held", n)
		}
	})
	t.Run("erase-subject", func(t *testing.T) {
		er, err := s.sw.EraseSubject(ctx, sweeper.EraseSubjectOptions{Subject: "iris@example.nl"})
		if err != nil {
			t.Fatalf("erase --subject: %v", err)
		}
		if got, want := keptRules(er), []string{"order-7y orders:100,1100"}; !slices.Equal(got, want) {
			t.Errorf("kept:\n got %q\nwant %q", got, want)
		}
		s.gone(t, "customers", 100)
		for _, tb := range []string{"account_galleries", "reviews", "crm_contacts", "contact_messages", "order_sessions"} {
			s.gone(t, tb, 100)
		}
		s.gone(t, "complaints", 100, 1100)
		s.kept(t, "orders", 100, 1100)
		s.kept(t, "order_items", 100, 1100)
		s.null(t, "orders", "phone", 100, true)
		s.null(t, "orders", "salutation", 100, true)
		s.null(t, "orders", "customer_id", 100, true)
	})
}
