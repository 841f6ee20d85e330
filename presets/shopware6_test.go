package presets_test

import (
	"encoding/hex"
	"testing"
)

// liveVersion is Shopware's Defaults::LIVE_VERSION: the version every
// order row has unless it is a draft made in the administration.
var liveVersion = hexID("0fa91ce3e96a4bc2be4bd9ce752c3425")

// TestShopware6 holds the shopware6 preset to its promises on the schema
// Shopware 6.6's migrations build, and the rules it ships commented out to
// the reasons it gives. Shopware writes its DATETIMEs in UTC.
func TestShopware6(t *testing.T) {
	s := openShop(t, "shopware6", "")
	s.hasEveryTable(t)
	seedShopware6(s)
	due := s.check()

	s.sweepAsPlanned(t, due)

	order := func(n int) row { return row{"order", "auto_increment", n} }
	tested := map[string]bool{}
	run(t, tested, "order-customer-comment-1y", func(t *testing.T) {
		s.equal(t, order(1), "customer_comment", "NULL") // a second over a year old
		s.equal(t, order(3), "customer_comment", "NULL") // its draft version
		s.equal(t, order(2), "customer_comment", "Graag na vijf uur bezorgen")
		s.audited(t, "order-customer-comment-1y", "anonymise", order(1), order(3))
	})
	run(t, tested, "document-7y", func(t *testing.T) {
		s.goneText(t, "document", "deep_link_code", "docA")
		s.keptText(t, "document", "deep_link_code", "docB") // exactly 7 years old
		s.keptText(t, "document", "deep_link_code", "docC") // a credit note younger than 7 years refers to it
		s.keptText(t, "document", "deep_link_code", "docD")
		s.auditedText(t, "document-7y", "delete", "document", "docA")
	})
	run(t, tested, "cart-abandoned-1m", func(t *testing.T) {
		s.goneText(t, "cart", "token", "cartOld")
		s.keptText(t, "cart", "token", "cartEdge")
		s.auditedText(t, "cart-abandoned-1m", "delete", "cart", "cartOld")
	})
	run(t, tested, "newsletter-unsubscribed-1m", func(t *testing.T) {
		recipient := func(hash string) string {
			var email string
			if err := s.db.QueryRow("SELECT CONCAT(email, '|', COALESCE(last_name, 'NULL')) FROM newsletter_recipient WHERE hash = ?", hash).Scan(&email); err != nil {
				t.Fatalf("recipient %s: %v", hash, err)
			}
			return email
		}
		for hash, want := range map[string]string{
			"nl1": "deleted-nl1@invalid.invalid|NULL", // unsubscribed a second over a month ago
			"nl4": "deleted-nl4@invalid.invalid|NULL", // never confirmed, signed up then
			"nl2": "lezer2@example.nl|Jansen",         // unsubscribed exactly a month ago
			"nl3": "lezer3@example.nl|Jansen",         // subscribed
		} {
			if got := recipient(hash); got != want {
				t.Errorf("recipient %s: got %q, want %q", hash, got, want)
			}
		}
		s.auditedText(t, "newsletter-unsubscribed-1m", "anonymise", "newsletter_recipient", "nl1")
	})
	run(t, tested, "password-recovery-1d", func(t *testing.T) {
		link := func(n int) []byte { return id(460 + n) }
		s.goneBinary(t, "customer_recovery", link(1)) // a second over a day old
		s.keptBinary(t, "customer_recovery", link(2)) // exactly a day old
		s.auditedText(t, "password-recovery-1d", "delete", "customer_recovery", hex.EncodeToString(link(1)))
	})
	t.Run("one-audit-record-per-row", s.oneRecordPerRow)
	t.Run("second-sweep-changes-nothing", s.idempotent)
	s.everyRuleTested(tested)
}

// hexID is a Shopware id: 16 bytes, given as 32 hex digits.
func hexID(h string) []byte {
	b := make([]byte, 16)
	for i := range b {
		var v byte
		for _, c := range h[2*i : 2*i+2] {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= byte(c - '0')
			default:
				v |= byte(c-'a') + 10
			}
		}
		b[i] = v
	}
	return b
}

// id is a Shopware id for a seed: 16 bytes that are not UTF-8, as most of
// Shopware's random ids are not.
func id(n int) []byte {
	b := hexID("ff00000000000000000000000000ff00")
	b[1], b[2] = byte(n>>8), byte(n)
	return b
}

// goneBinary and keptBinary are gone and kept for rows keyed by a
// Shopware id.
func (s *shop) goneBinary(t *testing.T, table string, key []byte) {
	t.Helper()
	if s.count(t, "SELECT COUNT(*) FROM `"+table+"` WHERE id = ?", key) != 0 {
		t.Errorf("%s id=%x is still there, want it deleted", table, key)
	}
}

func (s *shop) keptBinary(t *testing.T, table string, key []byte) {
	t.Helper()
	if s.count(t, "SELECT COUNT(*) FROM `"+table+"` WHERE id = ?", key) != 1 {
		t.Errorf("%s id=%x was deleted, want it kept", table, key)
	}
}

// goneText, keptText and auditedText are gone, kept and audited for rows
// keyed by text.
func (s *shop) goneText(t *testing.T, table, key, value string) {
	t.Helper()
	if s.count(t, "SELECT COUNT(*) FROM `"+table+"` WHERE `"+key+"` = ?", value) != 0 {
		t.Errorf("%s %s=%s is still there, want it deleted", table, key, value)
	}
}

func (s *shop) keptText(t *testing.T, table, key, value string) {
	t.Helper()
	if s.count(t, "SELECT COUNT(*) FROM `"+table+"` WHERE `"+key+"` = ?", value) != 1 {
		t.Errorf("%s %s=%s was deleted, want it kept", table, key, value)
	}
}

func (s *shop) auditedText(t *testing.T, rule, action, table, key string) {
	t.Helper()
	n := s.count(t, "SELECT COUNT(*) FROM `"+s.cfg.Sweeper.AuditTable+"` WHERE rule = ? AND table_name = ? AND row_key = ? AND action = ?",
		rule, table, key, action)
	if n != 1 {
		t.Errorf("audit records %s %s of %s %s: got %d, want 1", rule, action, table, key, n)
	}
}

func seedShopware6(s *shop) {
	y7, y5, y1, m1, d1 := ago(7, 0, 0), ago(5, 0, 0), ago(1, 0, 0), ago(0, 1, 0), ago(0, 0, 1)
	old, recent := ago(10, 0, 0), ago(0, 0, 3)
	// The tables outside the preset are bare keys; the seeds do not fill them.
	s.exec("SET FOREIGN_KEY_CHECKS = 0")
	defer s.exec("SET FOREIGN_KEY_CHECKS = 1")

	// Orders 1 and 3 are one order in its live and a draft version.
	for _, o := range []struct {
		n       int
		id      []byte
		version []byte
		at      string
	}{
		{1, id(1), liveVersion, utc(before(y1))},
		{2, id(2), liveVersion, utc(y1)},
		{3, id(1), id(999), utc(before(y1))},
		{4, id(4), liveVersion, utc(before(y7))},
	} {
		s.exec("INSERT INTO `order` (id, version_id, state_id, auto_increment, order_number, currency_id, language_id, currency_factor, "+
			"sales_channel_id, billing_address_id, billing_address_version_id, price, order_date_time, shipping_costs, customer_comment, created_at) "+
			"VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, '{\"totalPrice\": 12.1}', ?, '{}', 'Graag na vijf uur bezorgen', ?)",
			o.id, o.version, id(500), o.n, "1000"+itoa(o.n), id(501), id(502), id(503), id(504), o.version, o.at, o.at)
		s.exec("INSERT INTO order_customer (id, version_id, order_id, order_version_id, email, salutation_id, first_name, last_name, created_at) "+
			"VALUES (?, ?, ?, ?, 'klant@example.nl', ?, 'Jan', 'Jansen', ?)", id(100+o.n), o.version, o.id, o.version, id(505), o.at)
	}
	// Documents of order 4: A and B around the 7 years; C is as old as A,
	// but credit note D, made recently, refers to it.
	for _, d := range []struct {
		n        int
		code, at string
		refers   any
	}{
		{1, "docA", utc(before(y7)), nil}, {2, "docB", utc(y7), nil},
		{3, "docC", utc(before(y7)), nil}, {4, "docD", utc(recent), id(203)},
	} {
		s.exec(`INSERT INTO document (id, document_type_id, referenced_document_id, file_type, order_id, order_version_id, config,
			deep_link_code, created_at) VALUES (?, ?, ?, 'pdf', ?, ?, '{"documentNumber": "1000"}', ?, ?)`,
			id(200+d.n), id(506), d.refers, id(4), liveVersion, d.code, d.at)
	}
	s.exec(`INSERT INTO cart (token, rule_ids, payload, created_at) VALUES ('cartOld', '[]', 'x', ?), ('cartEdge', '[]', 'x', ?)`,
		utc(before(m1)), utc(m1))
	for _, n := range []struct {
		hash, status string
		updated      any
		created      string
	}{
		{"nl1", "optOut", utc(before(m1)), utc(old)}, {"nl2", "optOut", utc(m1), utc(old)},
		{"nl3", "optIn", utc(before(m1)), utc(old)}, {"nl4", "notSet", nil, utc(before(m1))},
	} {
		s.exec(`INSERT INTO newsletter_recipient (id, email, first_name, last_name, status, hash, language_id, sales_channel_id,
			created_at, updated_at) VALUES (?, ?, 'Jan', 'Jansen', ?, ?, ?, ?, ?, ?)`,
			id(300+int(n.hash[2]-'0')), "lezer"+n.hash[2:]+"@example.nl", n.status, n.hash, id(502), id(503), n.created, n.updated)
	}
	// Accounts, for the rules shipped commented out.
	// Their password-recovery links, a second over a day and exactly a day old.
	for _, c := range []struct {
		n            int
		login, reset string
	}{{1, utc(before(y5)), utc(before(d1))}, {2, utc(recent), utc(d1)}} {
		s.exec(`INSERT INTO customer (id, auto_increment, customer_group_id, default_payment_method_id, sales_channel_id, language_id,
			default_billing_address_id, default_shipping_address_id, customer_number, salutation_id, first_name, last_name, email,
			last_login, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Jan', 'Jansen', ?, ?, ?)`,
			id(400+c.n), c.n, id(507), id(508), id(503), id(502), id(450+c.n), id(450+c.n), "K"+itoa(c.n), id(505),
			"klant"+itoa(c.n)+"@example.nl", c.login, utc(old))
		s.exec(`INSERT INTO customer_recovery (id, customer_id, hash, created_at) VALUES (?, ?, ?, ?)`,
			id(460+c.n), id(400+c.n), "herstel"+itoa(c.n), c.reset)
	}

}
