package presets_test

import (
	"encoding/hex"
	"strings"
	"testing"
)

// liveVersion is Shopware's Defaults::LIVE_VERSION: the version every
// order row has unless it is a draft made in the administration.
var liveVersion = hexID("0fa91ce3e96a4bc2be4bd9ce752c3425")

// TestShopware6 holds the shopware6 preset to its promises on the schema
// Shopware 6.6's migrations build. Shopware writes its DATETIMEs in UTC, and
// keys its rows by BINARY(16) ids, which the audit records hold in hex.
func TestShopware6(t *testing.T) {
	s := openShop(t, "shopware6", "")
	s.hasEveryTable(t)
	seedShopware6(s)
	s.sweep(asOf.AddDate(0, -1, 0), "account-idle-5y")
	if got := s.mailedTo(); got != "klant1@example.nl" {
		t.Fatalf("reminders a month before: got %q, want klant1", got)
	}
	due := s.check()
	s.sweepAsPlanned(t, due)

	order := func(n int) row { return row{"order", "auto_increment", n} }
	h := func(n int) string { return hex.EncodeToString(id(n)) }
	live := hex.EncodeToString(liveVersion)
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
	run(t, tested, "order-7y", func(t *testing.T) {
		s.gone(t, order(5)) // a second over 7 years old
		s.kept(t, order(6)) // exactly 7 years old
		s.kept(t, order(4)) // its documents are younger, or kept by another
		for _, table := range []string{"order_customer", "order_address", "order_delivery", "order_delivery_position", "order_line_item",
			"order_line_item_download", "order_transaction", "order_transaction_capture", "order_transaction_capture_refund",
			"order_transaction_capture_refund_position", "order_tag"} {
			if n := s.count(t, "SELECT COUNT(*) FROM `"+table+"` WHERE "+order5Rows[table], id(5)); n != 0 {
				t.Errorf("%s: %d rows of order 5 left, want none", table, n)
			}
		}
		if n := s.count(t, "SELECT COUNT(*) FROM order_address WHERE order_id = ?", id(6)); n != 1 {
			t.Errorf("order 6's address: got %d, want it kept", n)
		}
		// Every row with its record, under the order's auto_increment;
		// the tree of lines leaves first.
		for _, r := range []struct{ table, key string }{
			{"order_customer", h(105) + "," + live}, {"order_address", h(150) + "," + live}, {"order_delivery", h(151) + "," + live},
			{"order_delivery_position", h(152) + "," + live}, {"order_line_item", h(160) + "," + live}, {"order_line_item", h(161) + "," + live},
			{"order_line_item", h(162) + "," + live}, {"order_line_item_download", h(163) + "," + live},
			{"order_transaction", h(170) + "," + live}, {"order_transaction_capture", h(171) + "," + live},
			{"order_transaction_capture_refund", h(172) + "," + live}, {"order_transaction_capture_refund_position", h(173) + "," + live},
			{"order_tag", h(5) + "," + live + "," + h(174)},
		} {
			if n := s.count(t, "SELECT COUNT(*) FROM sweeper_audit WHERE rule = 'order-7y' AND action = 'delete' AND table_name = ? AND row_key = ? AND parent_key = '5'",
				r.table, r.key); n != 1 {
				t.Errorf("audit records of %s %s under order 5: got %d, want 1", r.table, r.key, n)
			}
		}
		got := strings.Join(s.strings(t, "SELECT row_key FROM sweeper_audit WHERE rule = 'order-7y' AND table_name = 'order_line_item' ORDER BY id"), " ")
		if want := h(162) + "," + live + " " + h(161) + "," + live + " " + h(160) + "," + live; got != want {
			t.Errorf("order lines deleted in the order %s, want the grandchild, child, then the parent line", got)
		}
		s.audited(t, "order-7y", "delete", order(5))
	})
	run(t, tested, "cart-abandoned-1m", func(t *testing.T) {
		s.goneText(t, "cart", "token", "cartOld")
		s.keptText(t, "cart", "token", "cartEdge")
		s.auditedText(t, "cart-abandoned-1m", "delete", "cart", "cartOld")
	})
	run(t, tested, "newsletter-unsubscribed-1m", func(t *testing.T) {
		s.goneText(t, "newsletter_recipient", "hash", "nl1") // unsubscribed a second over a month ago
		s.goneText(t, "newsletter_recipient", "hash", "nl4") // never confirmed, signed up then
		s.keptText(t, "newsletter_recipient", "hash", "nl2") // unsubscribed exactly a month ago
		s.keptText(t, "newsletter_recipient", "hash", "nl3") // subscribed
		if n := s.count(t, "SELECT COUNT(*) FROM newsletter_recipient_tag WHERE newsletter_recipient_id IN (?, ?)", id(301), id(302)); n != 1 {
			t.Errorf("tags of recipients 1 and 2: got %d, want 2's only", n)
		}
		s.auditedText(t, "newsletter-unsubscribed-1m", "delete", "newsletter_recipient", h(301))
		s.auditedText(t, "newsletter-unsubscribed-1m", "delete", "newsletter_recipient_tag", h(301)+","+h(310))
	})
	run(t, tested, "password-recovery-1d", func(t *testing.T) {
		link := func(n int) []byte { return id(460 + n) }
		s.goneBinary(t, "customer_recovery", link(1)) // a second over a day old
		s.keptBinary(t, "customer_recovery", link(2)) // exactly a day old
		s.auditedText(t, "password-recovery-1d", "delete", "customer_recovery", h(461))
	})
	run(t, tested, "account-idle-5y", func(t *testing.T) {
		s.goneBinary(t, "customer", id(401)) // last login a second over 5 years ago, reminded a month ago
		s.keptBinary(t, "customer", id(402)) // recently
		s.goneBinary(t, "customer_address", id(410))
		s.keptBinary(t, "customer_address", id(411))
		s.goneBinary(t, "customer_wishlist", id(412))
		s.goneBinary(t, "customer_wishlist_product", id(413))
		for _, q := range []string{"SELECT COUNT(*) FROM customer_tag WHERE customer_id = ?", "SELECT COUNT(*) FROM promotion_persona_customer WHERE customer_id = ?",
			"SELECT COUNT(*) FROM sales_channel_api_context WHERE customer_id = ?"} {
			if n := s.count(t, q, id(401)); n != 0 {
				t.Errorf("%s: %d left, want none", q, n)
			}
		}
		if n := s.count(t, "SELECT COUNT(*) FROM order_customer WHERE id = ? AND customer_id IS NULL", id(102)); n != 1 {
			t.Errorf("the account's order: got %d orders detached, want 1", n)
		}
		if n := s.count(t, "SELECT COUNT(*) FROM product_review WHERE id = ? AND customer_id IS NULL", id(414)); n != 1 {
			t.Errorf("the account's review: got %d detached, want 1", n)
		}
		s.auditedText(t, "account-idle-5y", "delete", "customer", h(401))
		s.auditedText(t, "account-idle-5y", "delete", "customer_wishlist_product", h(413))
		s.auditedText(t, "account-idle-5y", "delete", "customer_tag", h(401)+","+h(415))
		s.auditedText(t, "account-idle-5y", "detach", "order_customer", h(102)+","+live)
		s.auditedText(t, "account-idle-5y", "remind", "customer", h(401))
		if n := s.count(t, "SELECT COUNT(*) FROM sweeper_audit WHERE rule = 'account-idle-5y' AND table_name = 'customer_wishlist_product' AND parent_key = ?", h(401)); n != 1 {
			t.Errorf("the wishlist product's record under the account's key: got %d, want 1", n)
		}
	})
	run(t, tested, "guest-customer-7y", func(t *testing.T) {
		s.goneBinary(t, "customer", id(404)) // its last order a second over 7 years ago (gone tonight)
		s.keptBinary(t, "customer", id(403)) // its last order exactly 7 years ago
		s.goneBinary(t, "customer_address", id(416))
		s.auditedText(t, "guest-customer-7y", "delete", "customer", h(404))
	})
	t.Run("one-audit-record-per-row", s.oneRecordPerRow)
	t.Run("second-sweep-changes-nothing", s.idempotent)
	s.everyRuleTested(tested)
}

// order5Rows are, per table below an order, the condition that a row
// belongs to order 5 (id(5)), down the foreign keys.
var order5Rows = map[string]string{
	"order_customer":            "order_id = ?",
	"order_address":             "order_id = ?",
	"order_delivery":            "order_id = ?",
	"order_delivery_position":   "order_delivery_id IN (SELECT id FROM order_delivery WHERE order_id = ?)",
	"order_line_item":           "order_id = ?",
	"order_line_item_download":  "order_line_item_id IN (SELECT id FROM order_line_item WHERE order_id = ?)",
	"order_transaction":         "order_id = ?",
	"order_transaction_capture": "order_transaction_id IN (SELECT id FROM order_transaction WHERE order_id = ?)",
	"order_transaction_capture_refund": "capture_id IN (SELECT c.id FROM order_transaction_capture c JOIN order_transaction t " +
		"ON t.id = c.order_transaction_id WHERE t.order_id = ?)",
	"order_transaction_capture_refund_position": "order_line_item_id IN (SELECT id FROM order_line_item WHERE order_id = ?)",
	"order_tag": "order_id = ?",
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

// goneText and keptText are gone and kept for rows
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
		{5, id(5), liveVersion, utc(before(y7))},
		{6, id(6), liveVersion, utc(y7)},
	} {
		s.exec("INSERT INTO `order` (id, version_id, state_id, auto_increment, order_number, currency_id, language_id, currency_factor, "+
			"sales_channel_id, billing_address_id, billing_address_version_id, price, order_date_time, shipping_costs, customer_comment, created_at) "+
			"VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, '{\"totalPrice\": 12.1}', ?, '{}', 'Graag na vijf uur bezorgen', ?)",
			o.id, o.version, id(500), o.n, "1000"+itoa(o.n), id(501), id(502), id(503), id(504), o.version, o.at, o.at)
		s.exec("INSERT INTO order_customer (id, version_id, order_id, order_version_id, email, salutation_id, first_name, last_name, created_at) "+
			"VALUES (?, ?, ?, ?, 'klant@example.nl', ?, 'Jan', 'Jansen', ?)", id(100+o.n), o.version, o.id, o.version, id(505), o.at)
	}
	// Order 5 with a row in every table below it: a delivery to its
	// address with a position, a tree of three lines (a download on the
	// last), a transaction with a capture, a refund and its position, a tag.
	l := liveVersion
	s.exec(`INSERT INTO order_address (id, version_id, country_id, order_id, order_version_id, salutation_id, first_name, last_name,
		street, city, phone_number, created_at) VALUES (?, ?, ?, ?, ?, ?, 'Jan', 'Jansen', 'Dorpsstraat 1', 'Utrecht', '0612345678', ?),
		(?, ?, ?, ?, ?, ?, 'Jan', 'Jansen', 'Dorpsstraat 1', 'Utrecht', '0612345678', ?)`,
		id(150), l, id(509), id(5), l, id(505), utc(old), id(180), l, id(509), id(6), l, id(505), utc(old))
	s.exec(`INSERT INTO order_delivery (id, version_id, order_id, order_version_id, shipping_order_address_id, shipping_order_address_version_id,
		state_id, shipping_method_id, tracking_codes, shipping_date_earliest, shipping_date_latest, shipping_costs, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, '[]', '2019-01-01', '2019-01-02', '{}', ?)`, id(151), l, id(5), l, id(150), l, id(500), id(510), utc(old))
	for _, li := range []struct {
		n      int
		parent any
	}{{160, nil}, {161, id(160)}, {162, id(161)}} {
		var pv any
		if li.parent != nil {
			pv = l
		}
		s.exec(`INSERT INTO order_line_item (id, version_id, order_id, order_version_id, parent_id, parent_version_id, identifier, label,
			quantity, price, created_at) VALUES (?, ?, ?, ?, ?, ?, 'x', 'Kaart', 1, '{}', ?)`, id(li.n), l, id(5), l, li.parent, pv, utc(old))
	}
	s.exec(`INSERT INTO order_delivery_position (id, version_id, order_delivery_id, order_delivery_version_id, order_line_item_id,
		order_line_item_version_id, price, created_at) VALUES (?, ?, ?, ?, ?, ?, '{}', ?)`, id(152), l, id(151), l, id(160), l, utc(old))
	s.exec(`INSERT INTO order_line_item_download (id, version_id, order_line_item_id, order_line_item_version_id, media_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, id(163), l, id(162), l, id(511), utc(old))
	s.exec(`INSERT INTO order_transaction (id, version_id, order_id, order_version_id, state_id, payment_method_id, amount, created_at)
		VALUES (?, ?, ?, ?, ?, ?, '{}', ?)`, id(170), l, id(5), l, id(500), id(508), utc(old))
	s.exec(`INSERT INTO order_transaction_capture (id, version_id, order_transaction_id, order_transaction_version_id, state_id, amount, created_at)
		VALUES (?, ?, ?, ?, ?, '{}', ?)`, id(171), l, id(170), l, id(500), utc(old))
	s.exec(`INSERT INTO order_transaction_capture_refund (id, version_id, capture_id, capture_version_id, state_id, amount, created_at)
		VALUES (?, ?, ?, ?, ?, '{}', ?)`, id(172), l, id(171), l, id(500), utc(old))
	s.exec(`INSERT INTO order_transaction_capture_refund_position (id, version_id, refund_id, refund_version_id, order_line_item_id,
		order_line_item_version_id, quantity, amount, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, '{}', ?)`, id(173), l, id(172), l, id(161), l, utc(old))
	s.exec(`INSERT INTO order_tag (order_id, order_version_id, tag_id) VALUES (?, ?, ?)`, id(5), l, id(174))

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
	s.exec(`INSERT INTO newsletter_recipient_tag (newsletter_recipient_id, tag_id) VALUES (?, ?), (?, ?)`, id(301), id(310), id(302), id(310))
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
	// Accounts: 1's last login a second over 5 years ago, 2's recently.
	// Guests: 3's last order (6) is exactly 7 years old, 4's (5) a second
	// more. 1 and 2 have password-recovery links, a second over a day and
	// exactly a day old.
	for _, c := range []struct {
		n            int
		guest        int
		login, reset string
	}{{1, 0, utc(before(y5)), utc(before(d1))}, {2, 0, utc(recent), utc(d1)}, {3, 1, "", ""}, {4, 1, "", ""}} {
		var login any
		if c.login != "" {
			login = c.login
		}
		s.exec(`INSERT INTO customer (id, auto_increment, customer_group_id, default_payment_method_id, sales_channel_id, language_id,
			default_billing_address_id, default_shipping_address_id, customer_number, salutation_id, first_name, last_name, email,
			guest, last_login, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Jan', 'Jansen', ?, ?, ?, ?)`,
			id(400+c.n), c.n, id(507), id(508), id(503), id(502), id(450+c.n), id(450+c.n), "K"+itoa(c.n), id(505),
			"klant"+itoa(c.n)+"@example.nl", c.guest, login, utc(old))
		if c.reset == "" {
			continue
		}
		s.exec(`INSERT INTO customer_recovery (id, customer_id, hash, created_at) VALUES (?, ?, ?, ?)`,
			id(460+c.n), id(400+c.n), "herstel"+itoa(c.n), c.reset)
	}

	// What belongs to account 1 (and one address of 2 and of guest 4).
	s.exec(`INSERT INTO customer_address (id, customer_id, country_id, salutation_id, first_name, last_name, street, city, created_at)
		VALUES (?, ?, ?, ?, 'Jan', 'Jansen', 'Dorpsstraat 1', 'Utrecht', ?), (?, ?, ?, ?, 'Jan', 'Jansen', 'Dorpsstraat 1', 'Utrecht', ?),
		(?, ?, ?, ?, 'Jan', 'Jansen', 'Dorpsstraat 1', 'Utrecht', ?)`,
		id(410), id(401), id(509), id(505), utc(old), id(411), id(402), id(509), id(505), utc(old), id(416), id(404), id(509), id(505), utc(old))
	s.exec(`INSERT INTO customer_tag (customer_id, tag_id) VALUES (?, ?)`, id(401), id(415))
	s.exec(`INSERT INTO promotion_persona_customer (promotion_id, customer_id) VALUES (?, ?)`, id(417), id(401))
	s.exec(`INSERT INTO customer_wishlist (id, customer_id, sales_channel_id, created_at) VALUES (?, ?, ?, ?)`, id(412), id(401), id(503), utc(old))
	s.exec(`INSERT INTO customer_wishlist_product (id, customer_wishlist_id, product_id, product_version_id, created_at) VALUES (?, ?, ?, ?, ?)`,
		id(413), id(412), id(512), l, utc(old))
	s.exec(`INSERT INTO sales_channel_api_context (token, payload, customer_id) VALUES ('ctx1', '{}', ?)`, id(401))
	s.exec(`UPDATE order_customer SET customer_id = ? WHERE id = ?`, id(401), id(102))
	s.exec(`UPDATE order_customer SET customer_id = ? WHERE id = ?`, id(403), id(106))
	s.exec(`UPDATE order_customer SET customer_id = ? WHERE id = ?`, id(404), id(105))
	s.exec(`INSERT INTO product_review (id, product_id, product_version_id, customer_id, title, content, created_at) VALUES (?, ?, ?, ?, 'Mooi', 'Mooi', ?)`,
		id(414), id(512), l, id(401), utc(old))
}

// TestShopware6Rights holds the shopware6 preset's data map to the
// requests of data subjects: the account rule erases an account, the
// document and order rules keep theirs under the fiscal duty.
func TestShopware6Rights(t *testing.T) {
	rights(t, rightsCase{preset: "shopware6",
		links: links(
			"customer_address.customer_id",
			"customer_tag.customer_id",
			"promotion_persona_customer.customer_id",
			"customer_wishlist.customer_id",
			"customer_wishlist_product.customer_wishlist_id customer_wishlist",
			"sales_channel_api_context.customer_id",
			"customer_recovery.customer_id",
			"cart.token sales_channel_api_context.token",
			"product_review.customer_id",
			"order_customer.customer_id",
			"order_customer.email -.email",
			"order.id order_customer.order_id",
			"order_address.order_id order.id",
			"order_delivery.order_id order.id",
			"order_delivery_position.order_delivery_id order_delivery.id",
			"order_line_item.order_id order.id",
			"order_line_item_download.order_line_item_id order_line_item.id",
			"order_transaction.order_id order.id",
			"order_transaction_capture.order_transaction_id order_transaction.id",
			"order_transaction_capture_refund.capture_id order_transaction_capture.id",
			"order_transaction_capture_refund_position.refund_id order_transaction_capture_refund.id",
			"order_tag.order_id order.id",
			"document.order_id order.id",
			"newsletter_recipient.email -.email",
			"newsletter_recipient_tag.newsletter_recipient_id newsletter_recipient",
		),
		fixed: map[string]map[string]any{
			"customer": {"guest": 0},
		},
		kept: []string{"document-7y", "order-7y"},
		known: []string{
			// Shopware does not index it: the preset's comment says to.
			`link[11] (table "order_customer"): customer.email has no index`,
			`link[24] (table "newsletter_recipient"): customer.email has no index`,
		},
	})
}
