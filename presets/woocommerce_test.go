package presets_test

import (
	"strconv"
	"testing"
)

var itoa = strconv.Itoa

// TestWooCommerce holds the woocommerce preset to its promises on the
// schema of WordPress and WooCommerce (HPOS and the legacy posts storage).
func TestWooCommerce(t *testing.T) {
	s := openShop(t, "woocommerce", "wp_")
	seedWooCommerce(s)
	due := s.check()

	// The account rule reminds a month before it deletes: the sweep a month
	// earlier sends the reminders that make the deletions at asOf possible.
	s.sweep(asOf.AddDate(0, -1, 0), "account-idle-5y")
	if got := s.mailedTo(); got != "anna@example.nl,dirk@example.nl" {
		t.Fatalf("reminders a month before: got %q, want anna and dirk", got)
	}
	rep := s.sweep(asOf)
	for _, r := range rep.Rules {
		if r.Name != "account-idle-5y" && r.Rows != due[r.Name] {
			t.Errorf("rule %s: swept %d rows, plan said %d", r.Name, r.Rows, due[r.Name])
		}
	}

	order := func(id int) row { return row{"wp_wc_orders", "id", id} }
	address := func(id int) row { return row{"wp_wc_order_addresses", "id", id} }
	comment := func(id int) row { return row{"wp_comments", "comment_ID", id} }
	post := func(id int) row { return row{"wp_posts", "ID", id} }
	postmeta := func(id int) row { return row{"wp_postmeta", "meta_id", id} }
	item := func(id int) row { return row{"wp_woocommerce_order_items", "order_item_id", id} }
	lookup := func(id int) row { return row{"wp_wc_customer_lookup", "customer_id", id} }
	user := func(id int) row { return row{"wp_users", "ID", id} }
	permission := func(id int) row { return row{"wp_woocommerce_downloadable_product_permissions", "permission_id", id} }
	downloadLog := func(id int) row { return row{"wp_wc_download_log", "download_log_id", id} }

	tested := map[string]bool{}
	run(t, tested, "order-phone-6m", func(t *testing.T) {
		s.equal(t, address(110), "phone", "NULL")
		s.equal(t, address(110), "last_name", "Jansen") // only the phone goes
		s.equal(t, address(111), "phone", "0612345111")
		s.equal(t, address(102), "phone", "NULL") // its order is exactly 7 years old: kept, without phone
		s.audited(t, "order-phone-6m", "anonymise", address(110), address(102))
	})
	run(t, tested, "customer-lookup-phone-6m", func(t *testing.T) {
		s.equal(t, lookup(601), "billing_phone", "")
		s.equal(t, lookup(603), "billing_phone", "0612345603")
		s.audited(t, "customer-lookup-phone-6m", "anonymise", lookup(601))
	})
	run(t, tested, "order-note-1y", func(t *testing.T) {
		s.gone(t, comment(200), row{"wp_commentmeta", "meta_id", 200})
		s.kept(t, comment(201))
		s.kept(t, comment(202)) // a review, not an order note
		s.audited(t, "order-note-1y", "delete", comment(200), row{"wp_commentmeta", "meta_id", 200})
	})
	run(t, tested, "order-customer-note-1y", func(t *testing.T) {
		s.equal(t, order(120), "customer_note", "NULL")
		s.equal(t, order(121), "customer_note", "Graag na vijf uur bezorgen")
		s.audited(t, "order-customer-note-1y", "anonymise", order(120))
	})
	run(t, tested, "legacy-order-customer-note-1y", func(t *testing.T) {
		s.equal(t, post(320), "post_excerpt", "")
		s.equal(t, post(321), "post_excerpt", "Graag bellen")
		s.audited(t, "legacy-order-customer-note-1y", "anonymise", post(320))
	})
	run(t, tested, "legacy-order-phone-6m", func(t *testing.T) {
		s.gone(t, postmeta(310))
		s.kept(t, postmeta(311), postmeta(312)) // exactly 6 months; an e-mail address
		s.kept(t, postmeta(5000))               // a product's meta
		s.audited(t, "legacy-order-phone-6m", "delete", postmeta(310))
	})
	run(t, tested, "order-items-7y", func(t *testing.T) {
		s.gone(t, item(100), item(300), row{"wp_woocommerce_order_itemmeta", "meta_id", 100})
		s.kept(t, item(101), row{"wp_woocommerce_order_itemmeta", "meta_id", 101})
		s.audited(t, "order-items-7y", "delete", item(100), item(300), row{"wp_woocommerce_order_itemmeta", "meta_id", 100})
	})
	run(t, tested, "download-permissions-7y", func(t *testing.T) {
		s.gone(t, permission(400), downloadLog(400))
		s.kept(t, permission(401), downloadLog(401))
		// The log row the database would have cascaded has its own record.
		s.audited(t, "download-permissions-7y", "delete", permission(400), downloadLog(400))
	})
	run(t, tested, "order-7y", func(t *testing.T) {
		s.gone(t, order(100), address(100), address(101),
			row{"wp_wc_order_operational_data", "id", 100}, row{"wp_wc_orders_meta", "id", 100})
		// A note younger than a year goes with its order.
		s.gone(t, comment(204))
		s.kept(t, order(101), address(102), row{"wp_wc_order_operational_data", "id", 101})
		s.audited(t, "order-7y", "delete", order(100), address(100), address(101), comment(204))
		// The note's meta, two levels down, and the analytics rows.
		s.gone(t, row{"wp_commentmeta", "meta_id", 204}, row{"wp_wc_order_stats", "order_id", 100})
		s.audited(t, "order-7y", "delete", row{"wp_commentmeta", "meta_id", 204}, row{"wp_wc_order_stats", "order_id", 100})
		for _, table := range []string{"wp_wc_order_product_lookup", "wp_wc_order_tax_lookup", "wp_wc_order_coupon_lookup", "wp_wc_order_stats"} {
			s.keyed(t, table, "order_id = 100", 0)
			s.keyed(t, table, "order_id = 101", 1)
		}
		s.auditedText(t, "order-7y", "delete", "wp_wc_order_product_lookup", "100,100")
		s.auditedText(t, "order-7y", "delete", "wp_wc_order_tax_lookup", "100,1")
		s.auditedText(t, "order-7y", "delete", "wp_wc_order_coupon_lookup", "100,7")
	})
	run(t, tested, "legacy-order-7y", func(t *testing.T) {
		s.gone(t, post(300), postmeta(300), comment(300))
		s.kept(t, post(301), post(5000))
		s.audited(t, "legacy-order-7y", "delete", post(300), postmeta(300), comment(300), row{"wp_commentmeta", "meta_id", 300})
	})
	run(t, tested, "cart-abandoned-1m", func(t *testing.T) {
		s.gone(t, row{"wp_woocommerce_sessions", "session_id", 500})
		s.kept(t, row{"wp_woocommerce_sessions", "session_id", 501})
	})
	run(t, tested, "guest-customer-7y", func(t *testing.T) {
		s.gone(t, lookup(600))
		s.kept(t, lookup(601), lookup(604)) // exactly 7 years; an account's row
		s.audited(t, "guest-customer-7y", "delete", lookup(600))
	})
	run(t, tested, "account-idle-5y", func(t *testing.T) {
		// Anna: last active a second over 5 years ago; Dirk: registered then
		// and never came back. Both were reminded a month ago.
		s.gone(t, user(10), user(13), row{"wp_usermeta", "umeta_id", 1010}, row{"wp_usermeta", "umeta_id", 2010})
		// Bram and Fleur reach 5 years only now: reminded tonight, kept.
		// Carla (administrator) and Eva (customer and shop manager) are held.
		s.kept(t, user(11), user(12), user(14), user(15))
		if got := s.mailedTo(); got != "anna@example.nl,dirk@example.nl,bram@example.nl,fleur@example.nl" {
			t.Errorf("reminders: got %q, want anna and dirk, then bram and fleur", got)
		}
		// Her order stays for its 7 years, detached; her statistics row
		// stays without her; her review stays without her name.
		s.equal(t, order(110), "customer_id", "NULL")
		s.equal(t, lookup(602), "user_id", "NULL")
		s.equal(t, lookup(602), "email", "NULL")
		s.equal(t, lookup(602), "last_name", "")
		s.equal(t, comment(202), "comment_author", "[verwijderd]")
		s.equal(t, comment(202), "comment_author_email", "")
		s.equal(t, comment(202), "user_id", "0")
		s.equal(t, permission(401), "user_id", "NULL")
		s.equal(t, downloadLog(401), "user_id", "NULL")
		s.audited(t, "account-idle-5y", "delete", user(10), user(13), row{"wp_usermeta", "umeta_id", 2010})
		s.audited(t, "account-idle-5y", "detach", order(110))
		s.audited(t, "account-idle-5y", "anonymise", lookup(602), comment(202))
		s.gone(t, row{"wp_woocommerce_payment_tokens", "token_id", 700}, row{"wp_woocommerce_payment_tokenmeta", "meta_id", 700})
		s.kept(t, row{"wp_woocommerce_payment_tokens", "token_id", 701}, row{"wp_woocommerce_payment_tokenmeta", "meta_id", 701})
		s.audited(t, "account-idle-5y", "delete", row{"wp_woocommerce_payment_tokenmeta", "meta_id", 700})
	})
	t.Run("one-audit-record-per-row", s.oneRecordPerRow)
	t.Run("second-sweep-changes-nothing", s.idempotent)
	s.everyRuleTested(tested)
}

func seedWooCommerce(s *shop) {
	y7, y5, y1, m6, m1 := ago(7, 0, 0), ago(5, 0, 0), ago(1, 0, 0), ago(0, 6, 0), ago(0, 1, 0)
	old := ago(10, 0, 0)

	// HPOS orders: a second before and exactly at each cutoff.
	for _, o := range []struct {
		id   int
		at   string
		user int
		note string
	}{
		{100, utc(before(y7)), 0, ""}, {101, utc(y7), 0, ""},
		{110, utc(before(m6)), 10, ""}, {111, utc(m6), 0, ""},
		{120, utc(before(y1)), 0, "Graag na vijf uur bezorgen"}, {121, utc(y1), 0, "Graag na vijf uur bezorgen"},
	} {
		s.exec(`INSERT INTO wp_wc_orders (id, status, type, customer_id, billing_email, date_created_gmt, customer_note)
			VALUES (?, 'wc-completed', 'shop_order', ?, 'koper@example.nl', ?, NULLIF(?, ''))`, o.id, o.user, o.at, o.note)
		s.exec(`INSERT INTO wp_wc_order_operational_data (id, order_id, order_key) VALUES (?, ?, 'wc_order_x')`, o.id, o.id)
	}
	for _, a := range []struct{ id, order int }{{100, 100}, {101, 100}, {102, 101}, {110, 110}, {111, 111}} {
		typ := "billing"
		if a.id == 101 {
			typ = "shipping"
		}
		s.exec(`INSERT INTO wp_wc_order_addresses (id, order_id, address_type, first_name, last_name, email, phone)
			VALUES (?, ?, ?, 'Jan', 'Jansen', 'koper@example.nl', ?)`, a.id, a.order, typ, "0612345"+itoa(a.id))
	}
	s.exec(`INSERT INTO wp_wc_orders_meta (id, order_id, meta_key, meta_value) VALUES (100, 100, '_wc_order_attribution_source_type', 'organic')`)
	s.exec(`INSERT INTO wp_woocommerce_order_items (order_item_id, order_item_name, order_item_type, order_id)
		VALUES (100, 'Kaart', 'line_item', 100), (101, 'Kaart', 'line_item', 101), (300, 'Kaart', 'line_item', 300)`)
	s.exec(`INSERT INTO wp_woocommerce_order_itemmeta (meta_id, order_item_id, meta_key, meta_value)
		VALUES (100, 100, '_qty', '1'), (101, 101, '_qty', '1')`)

	// Order notes, a review, and a note of a legacy order.
	for _, c := range []struct {
		id, post int
		typ, at  string
		user     int
	}{
		{200, 110, "order_note", utc(before(y1)), 0}, {201, 110, "order_note", utc(y1), 0},
		{202, 5000, "review", utc(ago(2, 0, 0)), 10},
		{204, 100, "order_note", utc(ago(0, 0, 10)), 0},
		{300, 300, "order_note", utc(ago(0, 0, 10)), 0},
	} {
		s.exec(`INSERT INTO wp_comments (comment_ID, comment_post_ID, comment_author, comment_author_email, comment_author_IP,
			comment_date, comment_date_gmt, comment_content, comment_type, user_id)
			VALUES (?, ?, 'Anna de Vries', 'anna@example.nl', '192.0.2.10', ?, ?, 'Betaling ontvangen', ?, ?)`,
			c.id, c.post, c.at, c.at, c.typ, c.user)
	}
	s.exec(`INSERT INTO wp_commentmeta (meta_id, comment_id, meta_key, meta_value) VALUES (200, 200, 'is_customer_note', '1'),
		(204, 204, 'is_customer_note', '1'), (300, 300, 'is_customer_note', '1')`)
	// The analytics rows of orders 100 (a second over 7 years old) and 101
	// (exactly 7 years), keyed by two columns but the statistics.
	for _, o := range []int{100, 101} {
		s.exec(`INSERT INTO wp_wc_order_stats (order_id, status, customer_id) VALUES (?, 'wc-completed', 0)`, o)
		s.exec(`INSERT INTO wp_wc_order_product_lookup (order_item_id, order_id, product_id, variation_id, product_qty) VALUES (?, ?, 5000, 0, 1)`, o, o)
		s.exec(`INSERT INTO wp_wc_order_tax_lookup (order_id, tax_rate_id) VALUES (?, 1)`, o)
		s.exec(`INSERT INTO wp_wc_order_coupon_lookup (order_id, coupon_id) VALUES (?, 7)`, o)
	}
	// Anna's and Bram's saved cards, with their meta.
	s.exec(`INSERT INTO wp_woocommerce_payment_tokens (token_id, gateway_id, token, user_id, type) VALUES (700, 'stripe', 'tok', 10, 'CC'), (701, 'stripe', 'tok', 11, 'CC')`)
	s.exec(`INSERT INTO wp_woocommerce_payment_tokenmeta (meta_id, payment_token_id, meta_key, meta_value) VALUES (700, 700, 'last4', '4242'), (701, 701, 'last4', '4242')`)

	// The legacy posts storage: orders as posts, their phones as meta.
	for _, p := range []struct {
		id      int
		typ, at string
		excerpt string
	}{
		{300, "shop_order", utc(before(y7)), ""}, {301, "shop_order", utc(y7), ""},
		{310, "shop_order", utc(before(m6)), ""}, {311, "shop_order", utc(m6), ""},
		{320, "shop_order", utc(before(y1)), "Graag bellen"}, {321, "shop_order", utc(y1), "Graag bellen"},
		{5000, "product", utc(old), ""},
	} {
		s.exec(`INSERT INTO wp_posts (ID, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_type,
			to_ping, pinged, post_content_filtered) VALUES (?, ?, ?, '', 'Bestelling', ?, ?, '', '', '')`,
			p.id, p.at, p.at, p.excerpt, p.typ)
	}
	s.exec(`INSERT INTO wp_postmeta (meta_id, post_id, meta_key, meta_value) VALUES
		(300, 300, '_billing_email', 'koper@example.nl'), (301, 301, '_billing_phone', '0612345301'),
		(310, 310, '_billing_phone', '0612345310'), (311, 311, '_billing_phone', '0612345311'),
		(312, 310, '_billing_email', 'koper@example.nl'), (5000, 5000, '_billing_phone', 'not an order')`)

	s.exec(`INSERT INTO wp_woocommerce_downloadable_product_permissions
		(permission_id, download_id, product_id, order_id, order_key, user_email, user_id, access_granted)
		VALUES (400, 'd1', 5000, 100, 'wc_order_x', 'koper@example.nl', NULL, ?), (401, 'd1', 5000, 101, 'wc_order_x', 'anna@example.nl', 10, ?)`,
		utc(y7), utc(y7))
	s.exec(`INSERT INTO wp_wc_download_log (download_log_id, timestamp, permission_id, user_id, user_ip_address)
		VALUES (400, ?, 400, NULL, '192.0.2.1'), (401, ?, 401, 10, '192.0.2.1')`, utc(y7), utc(y7))

	s.exec(`INSERT INTO wp_woocommerce_sessions (session_id, session_key, session_value, session_expiry)
		VALUES (500, 'a', 'cart', ?), (501, 'b', 'cart', ?)`, before(m1).Unix(), m1.Unix())

	for _, c := range []struct {
		id     int
		user   any
		active string
	}{
		{600, nil, utc(before(y7))}, {601, nil, utc(y7)},
		{602, 10, utc(before(m6))}, {603, 11, utc(m6)}, {604, 12, utc(old)},
	} {
		s.exec(`INSERT INTO wp_wc_customer_lookup (customer_id, user_id, username, first_name, last_name, email,
			date_last_active, postcode, city, billing_phone, shipping_phone)
			VALUES (?, ?, 'klant', 'Anna', 'de Vries', 'anna@example.nl', ?, '1234 AB', 'Utrecht', ?, ?)`,
			c.id, c.user, c.active, "0612345"+itoa(c.id), "0612345"+itoa(c.id))
	}

	// Users: customers, a subscriber, and staff the rule must hold.
	const customer, subscriber = `a:1:{s:8:"customer";b:1;}`, `a:1:{s:10:"subscriber";b:1;}`
	for _, u := range []struct {
		id         int
		email      string
		registered string
		active     int64 // wc_last_active; 0: none
		caps       string
	}{
		{10, "anna@example.nl", utc(old), before(y5).Unix(), customer},
		{11, "bram@example.nl", utc(old), y5.Unix(), customer},
		{12, "carla@example.nl", utc(old), old.Unix(), `a:1:{s:13:"administrator";b:1;}`},
		{13, "dirk@example.nl", utc(before(y5)), 0, customer},
		{14, "eva@example.nl", utc(old), old.Unix(), `a:2:{s:8:"customer";b:1;s:12:"shop_manager";b:1;}`},
		{15, "fleur@example.nl", utc(y5), 0, subscriber},
	} {
		s.exec(`INSERT INTO wp_users (ID, user_login, user_email, user_registered, display_name) VALUES (?, ?, ?, ?, 'Klant')`,
			u.id, u.email, u.email, u.registered)
		s.exec(`INSERT INTO wp_usermeta (umeta_id, user_id, meta_key, meta_value) VALUES (?, ?, 'wp_capabilities', ?)`,
			1000+u.id, u.id, u.caps)
		if u.active != 0 {
			s.exec(`INSERT INTO wp_usermeta (umeta_id, user_id, meta_key, meta_value) VALUES (?, ?, 'wc_last_active', ?)`,
				2000+u.id, u.id, u.active)
		}
	}
}

// TestWooCommerceRights holds the woocommerce preset's data map to the
// requests of data subjects: the account rule erases a customer (its where
// reads the role), the order rules keep the orders and their lines.
func TestWooCommerceRights(t *testing.T) {
	rights(t, rightsCase{preset: "woocommerce", prefix: "wp_",
		links: links(
			"wp_usermeta.user_id",
			"wp_wc_customer_lookup.user_id",
			"wp_wc_customer_lookup.email -.user_email",
			"wp_wc_orders.customer_id",
			"wp_wc_orders.billing_email -.user_email",
			"wp_wc_order_addresses.order_id wp_wc_orders",
			"wp_wc_order_operational_data.order_id wp_wc_orders",
			"wp_wc_orders_meta.order_id wp_wc_orders",
			"wp_woocommerce_order_items.order_id wp_wc_orders",
			"wp_woocommerce_order_itemmeta.order_item_id wp_woocommerce_order_items",
			"wp_wc_order_stats.order_id wp_wc_orders",
			"wp_wc_order_product_lookup.order_id wp_wc_orders",
			"wp_wc_order_tax_lookup.order_id wp_wc_orders",
			"wp_wc_order_coupon_lookup.order_id wp_wc_orders",
			"wp_comments.user_id",
			"wp_comments.comment_author_email -.user_email",
			"wp_comments.comment_post_ID wp_wc_orders",
			"wp_commentmeta.comment_id wp_comments",
			"wp_woocommerce_downloadable_product_permissions.user_id",
			"wp_woocommerce_downloadable_product_permissions.order_id wp_wc_orders",
			"wp_wc_download_log.permission_id wp_woocommerce_downloadable_product_permissions",
			"wp_woocommerce_payment_tokens.user_id",
			"wp_woocommerce_payment_tokenmeta.payment_token_id wp_woocommerce_payment_tokens",
		),
		fixed: map[string]map[string]any{
			"wp_usermeta": {"meta_key": "wp_capabilities", "meta_value": `a:1:{s:8:"customer";b:1;}`},
		},
		kept: []string{"order-items-7y", "order-7y"},
	})
}
