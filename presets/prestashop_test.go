package presets_test

import "testing"

// TestPrestaShop holds the prestashop preset to its promises on the schema
// of PrestaShop 8 and its newsletter module.
func TestPrestaShop(t *testing.T) {
	s := openShop(t, "prestashop", "ps_")
	seedPrestaShop(s)
	due := s.check()

	s.sweep(asOf.AddDate(0, -1, 0), "account-idle-5y")
	if got := s.mailedTo(); got != "anna@example.nl,dirk@example.nl" {
		t.Fatalf("reminders a month before: got %q, want anna and dirk", got)
	}
	rep := s.sweep(asOf)
	// Rules that run after another changed their rows (an order gone makes
	// its cart abandoned, its customer and address orphans) count more at
	// the sweep than in the plan before it.
	after := map[string]bool{"account-idle-5y": true, "cart-abandoned-1m": true, "guest-customer-7y": true, "address-orphan-7y": true}
	for _, r := range rep.Rules {
		if !after[r.Name] && r.Rows != due[r.Name] {
			t.Errorf("rule %s: swept %d rows, plan said %d", r.Name, r.Rows, due[r.Name])
		}
	}

	order := func(id int) row { return row{"ps_orders", "id_order", id} }
	address := func(id int) row { return row{"ps_address", "id_address", id} }
	customer := func(id int) row { return row{"ps_customer", "id_customer", id} }
	thread := func(id int) row { return row{"ps_customer_thread", "id_customer_thread", id} }
	message := func(id int) row { return row{"ps_message", "id_message", id} }
	cart := func(id int) row { return row{"ps_cart", "id_cart", id} }
	guest := func(id int) row { return row{"ps_guest", "id_guest", id} }

	tested := map[string]bool{}
	run(t, tested, "address-phone-6m", func(t *testing.T) {
		s.equal(t, address(110), "phone", "NULL") // a guest's, last used a second over 6 months ago
		s.equal(t, address(110), "lastname", "Jansen")
		s.equal(t, address(113), "phone_mobile", "NULL") // removed by its customer
		s.equal(t, address(111), "phone", "0612345111")  // used exactly 6 months ago
		s.equal(t, address(114), "phone", "0612345114")  // in the address book of an account
		s.audited(t, "address-phone-6m", "anonymise", address(110), address(113))
	})
	run(t, tested, "guest-salutation-6m", func(t *testing.T) {
		s.equal(t, customer(7), "id_gender", "0") // a guest with no order, signed up 7 years ago
		s.equal(t, customer(5), "id_gender", "1") // its last order exactly 6 months ago
		s.equal(t, customer(2), "id_gender", "1") // an account
		s.audited(t, "guest-salutation-6m", "anonymise", customer(7))
	})
	run(t, tested, "customer-thread-1y", func(t *testing.T) {
		s.gone(t, thread(500), row{"ps_customer_message", "id_customer_message", 500})
		s.kept(t, thread(501), row{"ps_customer_message", "id_customer_message", 501})
		s.audited(t, "customer-thread-1y", "delete", thread(500), row{"ps_customer_message", "id_customer_message", 500})
	})
	run(t, tested, "order-message-1y", func(t *testing.T) {
		s.gone(t, message(400))
		s.kept(t, message(401))
		s.audited(t, "order-message-1y", "delete", message(400))
		s.keyed(t, "ps_message_readed", "id_message = 401", 1)
		s.auditedText(t, "order-message-1y", "delete", "ps_message_readed", "400,1")
		s.auditedText(t, "order-message-1y", "delete", "ps_message_readed", "402,1") // of order 100's message
	})
	run(t, tested, "order-gift-message-1y", func(t *testing.T) {
		s.equal(t, order(120), "gift_message", "NULL")
		s.equal(t, order(121), "gift_message", "Gefeliciteerd")
	})
	run(t, tested, "invoice-7y", func(t *testing.T) {
		s.gone(t, row{"ps_order_invoice", "id_order_invoice", 200})
		s.kept(t, row{"ps_order_invoice", "id_order_invoice", 101})
		s.audited(t, "invoice-7y", "delete", row{"ps_order_invoice", "id_order_invoice", 200})
	})
	run(t, tested, "order-payment-7y", func(t *testing.T) {
		s.gone(t, row{"ps_order_payment", "id_order_payment", 300})
		s.kept(t, row{"ps_order_payment", "id_order_payment", 301})
	})
	run(t, tested, "order-7y", func(t *testing.T) {
		s.gone(t, order(100), row{"ps_order_detail", "id_order_detail", 100}, row{"ps_order_history", "id_order_history", 100},
			row{"ps_order_return", "id_order_return", 100}, row{"ps_order_slip", "id_order_slip", 100})
		s.kept(t, order(101)) // held: its invoice is exactly 7 years old
		s.kept(t, order(102)) // exactly 7 years old
		s.equal(t, thread(502), "id_order", "NULL")
		s.audited(t, "order-7y", "delete", order(100), row{"ps_order_detail", "id_order_detail", 100})
		s.keyed(t, "ps_order_return_detail", "id_order_return = 100", 0)
		s.keyed(t, "ps_order_slip_detail", "id_order_slip = 100", 0)
		s.keyed(t, "ps_message_readed", "id_message = 402", 0)
		s.auditedText(t, "order-7y", "delete", "ps_order_return_detail", "100,100,0")
		s.auditedText(t, "order-7y", "delete", "ps_order_slip_detail", "100,100")
		// Under the order's key, two levels down.
		if n := s.count(t, "SELECT COUNT(*) FROM `"+s.cfg.Sweeper.AuditTable+"` WHERE table_name = 'ps_order_slip_detail' AND parent_key = '100'"); n != 1 {
			t.Errorf("the credit slip line's record under order 100: got %d, want 1", n)
		}
		s.audited(t, "order-7y", "detach", thread(502))
		// Guest 9's address, used by its order 140 only, goes with it;
		// guest 6's (110) is used by guest 5's orders too: kept. Anna's
		// (100) was in her address book: kept (address-orphan-7y takes it
		// once her account is gone).
		s.gone(t, order(140), address(140))
		s.kept(t, address(110), address(900))
		if n := s.count(t, "SELECT COUNT(*) FROM `"+s.cfg.Sweeper.AuditTable+"` WHERE rule = 'order-7y' AND table_name = 'ps_address' AND row_key <> '140'"); n != 0 {
			t.Errorf("order-7y deleted %d addresses still in use, want none", n)
		}
		s.audited(t, "order-7y", "delete", address(140))
		if n := s.count(t, "SELECT COUNT(*) FROM `"+s.cfg.Sweeper.AuditTable+"` WHERE table_name = 'ps_address' AND row_key = '140' AND parent_key = '140'"); n != 1 {
			t.Errorf("the address's record under order 140: got %d, want 1", n)
		}
	})
	run(t, tested, "cart-abandoned-1m", func(t *testing.T) {
		s.gone(t, cart(600), cart(100)) // cart 100's order went tonight
		s.kept(t, cart(601), cart(102))
		s.keyed(t, "ps_cart_product", "id_cart = 600", 0)
		s.keyed(t, "ps_cart_product", "id_cart = 601", 1)
		s.auditedText(t, "cart-abandoned-1m", "delete", "ps_cart_product", "600,2,0,0,0")
	})
	run(t, tested, "guest-customer-7y", func(t *testing.T) {
		s.gone(t, customer(6))              // its only order went tonight
		s.kept(t, customer(5), customer(7)) // an order 6 months ago; a guest of exactly 7 years
		s.equal(t, guest(6), "id_customer", "NULL")
		s.keyed(t, "ps_customer_group", "id_customer = 6", 0)
		s.keyed(t, "ps_customer_group", "id_customer = 7", 1)
		s.audited(t, "guest-customer-7y", "delete", customer(6))
		s.audited(t, "guest-customer-7y", "detach", guest(6))
	})
	run(t, tested, "connections-6y", func(t *testing.T) {
		s.gone(t, row{"ps_connections", "id_connections", 700}, row{"ps_connections_source", "id_connections_source", 700})
		s.kept(t, row{"ps_connections", "id_connections", 701})
		s.keyed(t, "ps_connections_page", "id_connections = 700", 0)
		s.keyed(t, "ps_connections_page", "id_connections = 701", 1)
		s.auditedText(t, "connections-6y", "delete", "ps_connections_page", "700,2,"+local(before(ago(6, 0, 0))))
	})
	run(t, tested, "account-idle-5y", func(t *testing.T) {
		s.gone(t, customer(1), customer(3))
		s.kept(t, customer(2), customer(4), customer(8))
		if got := s.mailedTo(); got != "anna@example.nl,dirk@example.nl,bram@example.nl" {
			t.Errorf("reminders: got %q, want anna and dirk, then bram", got)
		}
		s.equal(t, guest(1), "id_customer", "NULL")
		s.equal(t, thread(501), "id_customer", "NULL")
		s.equal(t, address(112), "phone", "NULL") // kept for its order, without phone
		s.keyed(t, "ps_customer_group", "id_customer = 1", 0)
		s.keyed(t, "ps_customer_group", "id_customer = 2", 1)
		s.audited(t, "account-idle-5y", "delete", customer(1), customer(3))
		s.audited(t, "account-idle-5y", "anonymise", address(112))
	})
	run(t, tested, "address-orphan-7y", func(t *testing.T) {
		s.gone(t, address(100)) // Anna's; its order went tonight
		s.kept(t, address(112)) // Anna's; an order 6 months ago still uses it
		s.kept(t, address(900)) // a supplier's (id_customer 0)
		s.audited(t, "address-orphan-7y", "delete", address(100))
	})
	run(t, tested, "newsletter-unsubscribed-1m", func(t *testing.T) {
		s.equal(t, customer(4), "ip_registration_newsletter", "NULL")
		s.equal(t, customer(8), "ip_registration_newsletter", "192.0.2.8")
	})
	run(t, tested, "newsletter-unconfirmed-1m", func(t *testing.T) {
		s.gone(t, row{"ps_emailsubscription", "id", 800})
		s.kept(t, row{"ps_emailsubscription", "id", 801}, row{"ps_emailsubscription", "id", 802})
	})
	t.Run("one-audit-record-per-row", s.oneRecordPerRow)
	t.Run("second-sweep-changes-nothing", s.idempotent)
	s.everyRuleTested(tested)
}

func seedPrestaShop(s *shop) {
	y7, y6, y5, y1, m6, m1 := ago(7, 0, 0), ago(6, 0, 0), ago(5, 0, 0), ago(1, 0, 0), ago(0, 6, 0), ago(0, 1, 0)
	old, recent := ago(10, 0, 0), ago(0, 0, 3)

	for _, c := range []struct {
		id, guest int
		email     string
		added     string
		ip        any
		updated   string
	}{
		{1, 0, "anna@example.nl", local(old), nil, local(recent)},
		{2, 0, "bram@example.nl", local(old), nil, local(recent)},
		{3, 0, "dirk@example.nl", local(before(y5)), nil, local(recent)},
		{4, 0, "eva@example.nl", local(old), "192.0.2.4", local(before(m1))},
		{8, 0, "fleur@example.nl", local(old), "192.0.2.8", local(m1)},
		{5, 1, "gast5@example.nl", local(old), nil, local(recent)},
		{6, 1, "gast6@example.nl", local(old), nil, local(recent)},
		{7, 1, "gast7@example.nl", local(y7), nil, local(recent)},
		{9, 1, "gast9@example.nl", local(old), nil, local(recent)},
	} {
		s.exec(`INSERT INTO ps_customer (id_customer, id_gender, firstname, lastname, email, passwd, is_guest,
			newsletter, ip_registration_newsletter, newsletter_date_add, date_add, date_upd)
			VALUES (?, 1, 'Klant', 'Jansen', ?, 'x', ?, 0, ?, IF(? IS NULL, NULL, ?), ?, ?)`,
			c.id, c.email, c.guest, c.ip, c.ip, c.added, c.added, c.updated)
	}
	for _, a := range []struct{ id, customer, deleted int }{
		{100, 1, 0}, {110, 5, 0}, {111, 5, 0}, {112, 1, 0}, {113, 2, 1}, {114, 2, 0}, {900, 0, 0}, {140, 9, 0},
	} {
		s.exec(`INSERT INTO ps_address (id_address, id_country, id_customer, alias, lastname, firstname, address1, city,
			phone, phone_mobile, other, date_add, date_upd, deleted)
			VALUES (?, 13, ?, 'Thuis', 'Jansen', 'Jan', 'Dorpsstraat 1', 'Utrecht', ?, ?, 'Bel aan', ?, ?, ?)`,
			a.id, a.customer, "0612345"+itoa(a.id), "0612345"+itoa(a.id), local(old), local(old), a.deleted)
	}
	for _, o := range []struct {
		id, customer, cart, address int
		at                          string
		gift                        string
	}{
		{100, 1, 100, 100, local(before(y7)), ""}, {101, 2, 101, 113, local(before(y7)), ""},
		{102, 2, 102, 113, local(y7), ""}, {130, 6, 130, 110, local(before(y7)), ""},
		{110, 5, 110, 110, local(before(m6)), ""}, {111, 5, 111, 111, local(m6), ""},
		{112, 1, 112, 112, local(before(m6)), ""}, {113, 2, 113, 113, local(before(m6)), ""},
		{114, 2, 114, 114, local(before(m6)), ""},
		{120, 2, 120, 113, local(before(y1)), "Gefeliciteerd"}, {121, 2, 121, 113, local(y1), "Gefeliciteerd"},
		{140, 9, 140, 140, local(before(y7)), ""},
	} {
		s.exec(`INSERT INTO ps_orders (id_order, reference, id_carrier, id_lang, id_customer, id_cart, id_currency,
			id_address_delivery, id_address_invoice, current_state, payment, gift_message, invoice_date, delivery_date, date_add, date_upd)
			VALUES (?, 'REF', 1, 1, ?, ?, 1, ?, ?, 5, 'Bankoverschrijving', NULLIF(?, ''), ?, ?, ?, ?)`,
			o.id, o.customer, o.cart, o.address, o.address, o.gift, o.at, o.at, o.at, o.at)
	}
	s.exec(`INSERT INTO ps_order_detail (id_order_detail, id_order, id_shop, product_id, product_name, product_weight, tax_name)
		VALUES (100, 100, 1, 1, 'Kaart', 0, 'BTW'), (102, 102, 1, 1, 'Kaart', 0, 'BTW')`)
	s.exec(`INSERT INTO ps_order_history (id_order_history, id_employee, id_order, id_order_state, date_add) VALUES (100, 0, 100, 5, ?)`, local(before(y7)))
	s.exec(`INSERT INTO ps_order_return (id_order_return, id_customer, id_order, question, date_add, date_upd) VALUES (100, 1, 100, 'Kapot', ?, ?)`,
		local(before(y7)), local(before(y7)))
	s.exec(`INSERT INTO ps_order_slip (id_order_slip, id_customer, id_order, amount, shipping_cost_amount, partial, date_add, date_upd)
		VALUES (100, 1, 100, 5, 0, 1, ?, ?)`, local(before(y7)), local(before(y7)))
	s.exec(`INSERT INTO ps_order_invoice (id_order_invoice, id_order, number, delivery_number, shipping_tax_computation_method, date_add)
		VALUES (200, 102, 1, 1, 0, ?), (101, 101, 2, 2, 0, ?)`, local(before(y7)), local(y7))
	s.exec(`INSERT INTO ps_order_payment (id_order_payment, order_reference, id_currency, amount, payment_method, card_holder, date_add)
		VALUES (300, 'REF', 1, 10, 'Kaart', 'A. Jansen', ?), (301, 'REF', 1, 10, 'Kaart', 'A. Jansen', ?)`, local(before(y7)), local(y7))
	s.exec(`INSERT INTO ps_message (id_message, id_customer, id_order, message, date_add)
		VALUES (400, 2, 121, 'Waar blijft mijn pakket?', ?), (401, 2, 121, 'Waar blijft mijn pakket?', ?), (402, 1, 100, 'Graag bellen', ?)`,
		local(before(y1)), local(y1), local(before(y7)))
	for _, th := range []struct {
		id, customer, order int
		upd                 string
	}{{500, 2, 0, local(before(y1))}, {501, 1, 0, local(y1)}, {502, 2, 100, local(recent)}} {
		s.exec(`INSERT INTO ps_customer_thread (id_customer_thread, id_lang, id_contact, id_customer, id_order, email, date_add, date_upd)
			VALUES (?, 1, 1, ?, NULLIF(?, 0), 'klant@example.nl', ?, ?)`, th.id, th.customer, th.order, th.upd, th.upd)
		s.exec(`INSERT INTO ps_customer_message (id_customer_message, id_customer_thread, message, date_add, date_upd)
			VALUES (?, ?, 'Mijn bestelling is beschadigd', ?, ?)`, th.id, th.id, th.upd, th.upd)
	}
	for _, c := range []struct {
		id  int
		upd string
	}{{600, local(before(m1))}, {601, local(m1)}, {100, local(old)}, {102, local(old)}} {
		s.exec(`INSERT INTO ps_cart (id_cart, id_carrier, delivery_option, id_lang, id_address_delivery, id_address_invoice,
			id_currency, id_customer, id_guest, date_add, date_upd) VALUES (?, 1, '', 1, 0, 0, 1, 0, 0, ?, ?)`, c.id, c.upd, c.upd)
	}
	for _, g := range []int{1, 2, 4, 6, 7, 8} {
		s.exec(`INSERT INTO ps_guest (id_guest, id_customer) VALUES (?, ?)`, g, g)
	}
	for _, c := range []struct {
		id, guest int
		at        string
	}{{700, 7, local(before(y6))}, {701, 7, local(y6)}, {710, 1, local(before(y5))}, {711, 2, local(y5)},
		{702, 4, local(recent)}, {703, 8, local(recent)}} {
		s.exec(`INSERT INTO ps_connections (id_connections, id_guest, id_page, ip_address, date_add) VALUES (?, ?, 1, 3221225985, ?)`,
			c.id, c.guest, c.at)
		s.exec(`INSERT INTO ps_connections_source (id_connections_source, id_connections, http_referer, date_add) VALUES (?, ?, 'https://example.org/', ?)`,
			c.id, c.id, c.at)
	}
	// Rows keyed by several columns: the pages of visits 700 and 701, the
	// lines of cart 600 and 601, group memberships, the employee's read
	// marks of messages 400 and 402, and the lines of return and credit
	// slip 100.
	s.exec(`INSERT INTO ps_connections_page (id_connections, id_page, time_start) VALUES (700, 1, ?), (700, 2, ?), (701, 1, ?)`,
		local(before(y6)), local(before(y6)), local(y6))
	s.exec(`INSERT INTO ps_cart_product (id_cart, id_product, id_product_attribute, quantity, date_add) VALUES (600, 1, 0, 1, ?), (600, 2, 0, 1, ?), (601, 1, 0, 1, ?)`,
		local(before(m1)), local(before(m1)), local(m1))
	s.exec(`INSERT INTO ps_customer_group (id_customer, id_group) VALUES (1, 3), (2, 3), (6, 2), (7, 2)`)
	s.exec(`INSERT INTO ps_message_readed (id_message, id_employee, date_add) VALUES (400, 1, ?), (401, 1, ?), (402, 1, ?)`,
		local(before(y1)), local(y1), local(before(y7)))
	s.exec(`INSERT INTO ps_order_return_detail (id_order_return, id_order_detail, id_customization, product_quantity) VALUES (100, 100, 0, 1)`)
	s.exec(`INSERT INTO ps_order_slip_detail (id_order_slip, id_order_detail, product_quantity) VALUES (100, 100, 1)`)
	s.exec(`INSERT INTO ps_emailsubscription (id, email, newsletter_date_add, ip_registration_newsletter, active)
		VALUES (800, 'a@example.nl', ?, '192.0.2.1', 0), (801, 'b@example.nl', ?, '192.0.2.1', 0), (802, 'c@example.nl', ?, '192.0.2.1', 1)`,
		local(before(m1)), local(m1), local(old))
}

// TestPrestaShopRights holds the prestashop preset's data map to the
// requests of data subjects: an account is erased by the account rule, the
// invoices, payments and orders are kept on request.
func TestPrestaShopRights(t *testing.T) {
	rights(t, rightsCase{preset: "prestashop", prefix: "ps_",
		links: links(
			"ps_address.id_customer",
			"ps_customer_group.id_customer",
			"ps_guest.id_customer",
			"ps_connections.id_guest ps_guest",
			"ps_connections_source.id_connections ps_connections",
			"ps_connections_page.id_connections ps_connections",
			"ps_cart.id_customer",
			"ps_cart_product.id_cart ps_cart",
			"ps_orders.id_customer",
			"ps_order_detail.id_order ps_orders",
			"ps_order_history.id_order ps_orders",
			"ps_order_invoice.id_order ps_orders",
			"ps_order_payment.order_reference ps_orders.reference",
			"ps_order_return.id_customer",
			"ps_order_return_detail.id_order_return ps_order_return",
			"ps_order_slip.id_customer",
			"ps_order_slip_detail.id_order_slip ps_order_slip",
			"ps_message.id_customer",
			"ps_message.id_order ps_orders",
			"ps_customer_thread.id_customer",
			"ps_customer_thread.email -.email",
			"ps_customer_message.id_customer_thread ps_customer_thread",
			"ps_emailsubscription.email -.email",
		),
		fixed: map[string]map[string]any{
			"ps_customer": {"is_guest": 0, "deleted": 0},
		},
		kept: []string{"invoice-7y", "order-payment-7y", "order-7y"},
	})
}
