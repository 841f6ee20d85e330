package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// How many rows of each kind the generator makes, before the edge cases it adds.
const (
	numCustomers   = 2000
	numOrders      = 8000
	numComplaints  = 600
	numContacts    = 1500
	numSubscribers = 1000
	years          = 10
)

// sqlTime is how the shop writes a moment: wall-clock time, no zone.
const sqlTime = "2006-01-02 15:04:05"

// edge is how far from a cutoff the edge-case rows lie: close enough to catch
// an off-by-a-timezone sweeper, far enough to survive a plan run a little later.
const edge = 3 * time.Hour

type person struct {
	salutation, first, last, email, phone string
}

func (p person) name() string { return p.first + " " + p.last }

type address struct {
	recipient, street, number, postcode, city, country string
	created                                            time.Time
}

type customer struct {
	person
	photo     bool
	created   time.Time
	lastLogin time.Time // zero: NULL
	addresses []address
}

// lastActive is the last moment the customer is known to have been in the shop.
func (c *customer) lastActive() time.Time {
	if c.lastLogin.IsZero() {
		return c.created
	}
	return c.lastLogin
}

type order struct {
	person
	customerID int64 // 0: guest or detached
	ship       address
	cents      int
	status     string
	created    time.Time
}

type complaint struct {
	person
	customerID     int64
	subject, body  string
	status         string
	filed, handled time.Time
}

type contact struct {
	person
	subject, message string
	created          time.Time
}

type subscriber struct {
	email, name              string
	subscribed, optin, unsub time.Time
	ip                       string
}

// generator makes the demo shop's rows. Everything random comes from one
// seeded source, so the same now gives the same shop.
type generator struct {
	rng   *rand.Rand
	now   time.Time
	start time.Time
	seq   int // makes every generated e-mail address unique

	women, men, last, streets, cities, bcities []string
	complaintPairs, contactPairs               [][2]string
}

func newGenerator(now time.Time) *generator {
	return &generator{
		rng:            rand.New(rand.NewPCG(2016, 1122)),
		now:            now,
		start:          now.AddDate(-years, 0, 0),
		women:          lines(womenNames),
		men:            lines(menNames),
		last:           lines(lastNames),
		streets:        lines(streets),
		cities:         lines(cities),
		bcities:        lines(belgianCities),
		complaintPairs: pairs(complaintTexts),
		contactPairs:   pairs(contactTexts),
	}
}

func lines(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }

func pairs(s string) [][2]string {
	var out [][2]string
	for _, l := range lines(s) {
		subject, body, _ := strings.Cut(l, "|")
		out = append(out, [2]string{subject, body})
	}
	return out
}

// cutoff is the moment a rule with this period measures against now, by the
// same calendar arithmetic as the sweeper.
func (g *generator) cutoff(p sweeper.Period) time.Time { return p.Before(g.now) }

// past keeps t before now: nothing in a shop's database is dated in the future.
func (g *generator) past(t time.Time) time.Time { return minTime(t, g.now.Add(-time.Minute)) }

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

func (g *generator) pick(s []string) string { return s[g.rng.IntN(len(s))] }

// between returns a moment in [a, b), whole seconds; a when the range is empty.
func (g *generator) between(a, b time.Time) time.Time {
	d := b.Sub(a)
	if d <= time.Second {
		return a
	}
	return a.Add(time.Duration(g.rng.Int64N(int64(d)))).Truncate(time.Second)
}

func (g *generator) person() person {
	var p person
	if g.chance(0.5) {
		p.first, p.salutation = g.pick(g.women), "mevr."
	} else {
		p.first, p.salutation = g.pick(g.men), "dhr."
	}
	if g.chance(0.15) {
		p.salutation = ""
	}
	p.last = g.pick(g.last)
	g.seq++
	first := strings.ToLower(p.first)
	last := strings.ToLower(strings.ReplaceAll(p.last, " ", ""))
	var local string
	switch g.rng.IntN(3) {
	case 0:
		local = fmt.Sprintf("%s.%s%d", first, last, g.seq)
	case 1:
		local = fmt.Sprintf("%c.%s%d", first[0], last, g.seq)
	default:
		local = fmt.Sprintf("%s%d", first, g.seq)
	}
	domain := "example.nl"
	if g.chance(0.3) {
		domain = "example.com"
	}
	p.email = local + "@" + domain
	if g.chance(0.7) {
		p.phone = fmt.Sprintf("06-%08d", g.rng.IntN(100_000_000))
	}
	return p
}

func (g *generator) address(recipient string, created time.Time) address {
	a := address{
		recipient: recipient,
		street:    g.pick(g.streets),
		number:    fmt.Sprint(1 + g.rng.IntN(180)),
		created:   created,
	}
	if g.chance(0.1) {
		a.number += string(rune('a' + g.rng.IntN(4)))
	}
	if g.chance(0.05) {
		a.country, a.city = "BE", g.pick(g.bcities)
		a.postcode = fmt.Sprint(1000 + g.rng.IntN(9000))
		return a
	}
	// No S as the first letter: SA, SD and SS are not issued as Dutch postcodes.
	const letters = "ABCEGHJKLMNPRTVWXZ"
	a.country, a.city = "NL", g.pick(g.cities)
	a.postcode = fmt.Sprintf("%04d %c%c", 1000+g.rng.IntN(9000), letters[g.rng.IntN(len(letters))], letters[g.rng.IntN(len(letters))])
	return a
}

// customers makes the accounts, sorted by registration as the shop's
// AUTO_INCREMENT would have numbered them: customer i has id i+1.
func (g *generator) customers() []*customer {
	idle := g.cutoff(sweeper.Period{Years: 5})
	cs := make([]*customer, 0, numCustomers+8)
	for range numCustomers {
		c := &customer{person: g.person(), photo: g.chance(0.15)}
		c.created = g.between(g.start, g.now.Add(-48*time.Hour))
		switch r := g.rng.Float64(); {
		case r < 0.08:
			// No login recorded since registering: last_login_at NULL.
		case r < 0.15:
			// Registered for one order and never came back.
			c.lastLogin = c.created.Add(time.Duration(1+g.rng.IntN(30)) * time.Minute)
		case r < 0.40:
			// Regulars, seen in the last three months.
			c.lastLogin = g.between(maxTime(c.created, g.now.AddDate(0, -3, 0)), g.now)
		default:
			// The rest drift away at some point; the oldest are idle for years.
			c.lastLogin = g.between(c.created, g.now)
		}
		cs = append(cs, c)
	}
	// Edge cases of account-idle-5y: the age is COALESCE(last_login_at, created_at).
	for _, e := range []struct{ created, login time.Time }{
		{idle.AddDate(-2, 0, 0), idle.Add(-edge)}, // due
		{idle.AddDate(-2, 0, 0), idle.Add(edge)},  // not yet
		{idle.Add(-edge), time.Time{}},            // due by created_at
		{idle.Add(edge), time.Time{}},             // not yet, by created_at
		{g.now.AddDate(-9, 0, 0), g.now.Add(-time.Hour)},
	} {
		cs = append(cs, &customer{person: g.person(), created: e.created, lastLogin: e.login})
	}
	slices.SortStableFunc(cs, func(a, b *customer) int { return a.created.Compare(b.created) })
	for _, c := range cs {
		var n int // addresses in the account's address book
		switch r := g.rng.Float64(); {
		case r < 0.15:
			n = 0
		case r < 0.70:
			n = 1
		case r < 0.90:
			n = 2
		default:
			n = 3
		}
		for i := range n {
			recipient := c.name()
			if i > 0 {
				recipient = g.person().name()
			}
			c.addresses = append(c.addresses, g.address(recipient, g.past(g.between(c.created, c.lastActive().Add(time.Minute)))))
		}
	}
	return cs
}

func (g *generator) orders(cs []*customer) []order {
	keep := g.cutoff(sweeper.Period{Years: 7})
	phone := g.cutoff(sweeper.Period{Months: 6})
	ords := make([]order, 0, numOrders+8)
	for range numOrders {
		var o order
		if g.chance(0.65) {
			i := g.rng.IntN(len(cs))
			c := cs[i]
			o.person, o.customerID = c.person, int64(i+1)
			// An order needs a session: it falls between registration and last login.
			o.created = g.between(c.created, c.lastActive().Add(time.Minute))
			if len(c.addresses) > 0 {
				o.ship = c.addresses[g.rng.IntN(len(c.addresses))]
			} else {
				o.ship = g.address(c.name(), o.created)
			}
		} else {
			o.person = g.person()
			o.created = g.between(g.start, g.now.Add(-time.Minute))
			o.ship = g.address(o.name(), o.created)
		}
		o.created = g.past(o.created)
		o.cents = 495 + 5*g.rng.IntN(2400)
		switch age, r := g.now.Sub(o.created), g.rng.Float64(); {
		case age < 48*time.Hour:
			o.status = "paid"
		case age < 7*24*time.Hour:
			o.status = "shipped"
		case r < 0.015:
			o.status = "disputed"
		case r < 0.055:
			o.status = "cancelled"
		case r < 0.085:
			o.status = "returned"
		default:
			o.status = "delivered"
		}
		ords = append(ords, o)
	}
	// Edge cases of order-7y and order-phone-6m, as guest orders.
	for _, e := range []struct {
		at     time.Time
		status string
		clean  bool // salutation and phone already gone: not due for order-phone-6m
	}{
		{keep.Add(-edge), "delivered", false},         // order-7y due
		{keep.Add(edge), "delivered", false},          // order-7y not yet
		{keep.AddDate(-1, 0, 0), "disputed", false},   // held by where
		{phone.Add(-edge), "delivered", false},        // order-phone-6m due
		{phone.Add(edge), "delivered", false},         // order-phone-6m not yet
		{phone.AddDate(0, 0, -10), "disputed", false}, // held by where
		{phone.AddDate(0, -1, 0), "delivered", true},  // nothing left to anonymise
	} {
		o := order{person: g.person(), created: e.at, status: e.status, cents: 1295}
		if e.clean {
			o.salutation, o.phone = "", ""
		} else {
			if o.salutation == "" {
				o.salutation = "mevr."
			}
			if o.phone == "" {
				o.phone = fmt.Sprintf("06-%08d", g.rng.IntN(100_000_000))
			}
		}
		o.ship = g.address(o.name(), o.created)
		ords = append(ords, o)
	}
	slices.SortStableFunc(ords, func(a, b order) int { return a.created.Compare(b.created) })
	return ords
}

func (g *generator) complaints(cs []*customer) []complaint {
	handled := g.cutoff(sweeper.Period{Days: 7})
	filed := g.cutoff(sweeper.Period{Years: 1})
	out := make([]complaint, 0, numComplaints+8)
	for range numComplaints {
		var c complaint
		c.filed = g.between(g.start, g.now.Add(-time.Hour))
		if i := g.rng.IntN(len(cs)); g.chance(0.55) && !cs[i].created.After(c.filed) {
			c.person, c.customerID = cs[i].person, int64(i+1)
		} else {
			c.person = g.person()
		}
		t := g.pick2(g.complaintPairs)
		c.subject, c.body = t[0], t[1]
		p := 0.9
		if g.now.Sub(c.filed) < 60*24*time.Hour {
			p = 0.5
		}
		if g.chance(p) {
			c.handled = c.filed.Add(2*time.Hour + time.Duration(g.rng.Int64N(int64(21*24*time.Hour)))).Truncate(time.Second)
			if !c.handled.Before(g.now) {
				c.handled = g.between(c.filed, g.now)
			}
		}
		out = append(out, c.withStatus(g))
	}
	// Edge cases of complaint-handled-1w and complaint-1y.
	for _, e := range []struct{ filed, handled time.Time }{
		{handled.AddDate(0, 0, -5), handled.Add(-edge)}, // complaint-handled-1w due
		{handled.AddDate(0, 0, -5), handled.Add(edge)},  // not yet
		{filed.Add(-edge), time.Time{}},                 // complaint-1y due, still open
		{filed.Add(edge), time.Time{}},                  // not yet, still open
		{g.now.AddDate(0, 0, -2), time.Time{}},          // open, due by neither
	} {
		t := g.pick2(g.complaintPairs)
		c := complaint{person: g.person(), subject: t[0], body: t[1], filed: e.filed, handled: e.handled}
		out = append(out, c.withStatus(g))
	}
	slices.SortStableFunc(out, func(a, b complaint) int { return a.filed.Compare(b.filed) })
	return out
}

func (c complaint) withStatus(g *generator) complaint {
	switch {
	case !c.handled.IsZero():
		c.status = "handled"
	case g.chance(0.5):
		c.status = "open"
	default:
		c.status = "in_progress"
	}
	return c
}

func (g *generator) pick2(s [][2]string) [2]string { return s[g.rng.IntN(len(s))] }

func (g *generator) contacts() []contact {
	cut := g.cutoff(sweeper.Period{Years: 5})
	out := make([]contact, 0, numContacts+2)
	for _, at := range []time.Time{cut.Add(-edge), cut.Add(edge)} {
		t := g.pick2(g.contactPairs)
		out = append(out, contact{person: g.person(), subject: t[0], message: t[1], created: at})
	}
	for range numContacts {
		t := g.pick2(g.contactPairs)
		c := contact{person: g.person(), subject: t[0], message: t[1], created: g.between(g.start, g.now.Add(-10*time.Minute))}
		if g.chance(0.6) {
			c.phone = "" // most people leave the optional phone field empty
		}
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b contact) int { return a.created.Compare(b.created) })
	return out
}

func (g *generator) subscribers() []subscriber {
	anon := g.cutoff(sweeper.Period{Months: 1})
	proof := g.cutoff(sweeper.Period{Years: 5})
	out := make([]subscriber, 0, numSubscribers+8)
	for range numSubscribers {
		s := g.subscriber(g.between(g.start, g.now.Add(-time.Hour)))
		if g.chance(0.35) {
			from := s.subscribed
			if !s.optin.IsZero() {
				from = s.optin
			}
			s.unsub = g.between(from, g.now)
		}
		out = append(out, s)
	}
	// Edge cases of newsletter-unsubscribed-1m and newsletter-optin-proof-5y.
	for _, unsub := range []time.Time{anon.Add(-edge), anon.Add(edge), proof.Add(-edge), proof.Add(edge)} {
		s := g.subscriber(unsub.AddDate(-1, 0, 0))
		s.unsub = unsub
		out = append(out, s)
	}
	out = append(out, g.subscriber(g.now.AddDate(-9, 0, 0))) // subscribed for nine years: due never
	unconfirmed := g.subscriber(g.now.AddDate(0, 0, -3))
	unconfirmed.optin, unconfirmed.ip = time.Time{}, ""
	out = append(out, unconfirmed)
	slices.SortStableFunc(out, func(a, b subscriber) int { return a.subscribed.Compare(b.subscribed) })
	return out
}

func (g *generator) subscriber(at time.Time) subscriber {
	p := g.person()
	s := subscriber{email: p.email, subscribed: at}
	switch r := g.rng.Float64(); {
	case r < 0.5:
		s.name = p.name()
	case r < 0.7:
		s.name = p.first
	}
	if g.chance(0.96) {
		s.optin = g.past(at.Add(time.Duration(1+g.rng.IntN(48*60)) * time.Minute))
		// Documentation ranges (RFC 5737): never a real visitor's address.
		nets := [...]string{"192.0.2", "198.51.100", "203.0.113"}
		s.ip = fmt.Sprintf("%s.%d", nets[g.rng.IntN(len(nets))], 1+g.rng.IntN(254))
	}
	return s
}

// fill generates the shop and inserts it through tx, returning rows per table.
func (g *generator) fill(ctx context.Context, tx *sql.Tx) (map[string]int, error) {
	rows := make(map[string]int)
	ts := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.In(g.now.Location()).Format(sqlTime)
	}
	str := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	id := func(n int64) any {
		if n == 0 {
			return nil
		}
		return n
	}

	cs := g.customers()
	var addrs [][]any
	err := insert(ctx, tx, rows, "customers",
		[]string{"id", "email", "salutation", "first_name", "last_name", "phone", "photo_path", "created_at", "last_login_at"},
		len(cs), func(i int) []any {
			c := cs[i]
			photo := ""
			if c.photo {
				photo = fmt.Sprintf("customers/%d/profiel.jpg", i+1)
			}
			for _, a := range c.addresses {
				addrs = append(addrs, []any{int64(i + 1), a.recipient, a.street, a.number, a.postcode, a.city, a.country, ts(a.created)})
			}
			return []any{i + 1, c.email, str(c.salutation), c.first, c.last, str(c.phone), str(photo), ts(c.created), ts(c.lastLogin)}
		})
	if err != nil {
		return nil, err
	}
	// Addresses are numbered in the order customers added them.
	slices.SortStableFunc(addrs, func(a, b []any) int { return strings.Compare(a[7].(string), b[7].(string)) })
	err = insert(ctx, tx, rows, "addresses",
		[]string{"id", "customer_id", "recipient_name", "street", "house_number", "postcode", "city", "country", "created_at"},
		len(addrs), func(i int) []any { return append([]any{i + 1}, addrs[i]...) })
	if err != nil {
		return nil, err
	}

	ords := g.orders(cs)
	err = insert(ctx, tx, rows, "orders",
		[]string{"id", "order_number", "customer_id", "email", "salutation", "first_name", "last_name", "phone", "ship_name", "ship_street", "ship_house_number", "ship_postcode", "ship_city", "ship_country", "total_cents", "status", "created_at"},
		len(ords), func(i int) []any {
			o := ords[i]
			number := fmt.Sprintf("%d-%06d", o.created.Year(), i+1)
			return []any{i + 1, number, id(o.customerID), o.email, str(o.salutation), o.first, o.last, str(o.phone),
				o.ship.recipient, o.ship.street, o.ship.number, o.ship.postcode, o.ship.city, o.ship.country, o.cents, o.status, ts(o.created)}
		})
	if err != nil {
		return nil, err
	}

	cps := g.complaints(cs)
	err = insert(ctx, tx, rows, "complaints",
		[]string{"id", "customer_id", "name", "email", "subject", "body", "status", "filed_at", "handled_at"},
		len(cps), func(i int) []any {
			c := cps[i]
			return []any{i + 1, id(c.customerID), c.name(), c.email, c.subject, c.body, c.status, ts(c.filed), ts(c.handled)}
		})
	if err != nil {
		return nil, err
	}

	cts := g.contacts()
	err = insert(ctx, tx, rows, "contact_messages",
		[]string{"id", "name", "email", "phone", "subject", "message", "created_at"},
		len(cts), func(i int) []any {
			c := cts[i]
			return []any{i + 1, c.name(), c.email, str(c.phone), c.subject, c.message, ts(c.created)}
		})
	if err != nil {
		return nil, err
	}

	subs := g.subscribers()
	err = insert(ctx, tx, rows, "newsletter_subscribers",
		[]string{"id", "email", "name", "subscribed_at", "optin_ip", "optin_at", "unsubscribed_at"},
		len(subs), func(i int) []any {
			s := subs[i]
			return []any{i + 1, s.email, str(s.name), ts(s.subscribed), str(s.ip), ts(s.optin), ts(s.unsub)}
		})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// insertChunk is how many rows one INSERT carries. The driver parses a
// statement again on every Exec, prepared or not, so a statement per row spends
// much of the demo's time in SQLite's parser; the driver also binds parameters
// in quadratic time, so much larger chunks get slower again.
const insertChunk = 25

// insert writes n rows, with the column values args(i), into table through
// prepared multi-row INSERTs, and counts them under table.
func insert(ctx context.Context, tx *sql.Tx, rows map[string]int, table string, columns []string, n int, args func(i int) []any) error {
	prepare := func(k int) (*sql.Stmt, error) {
		row := "(" + strings.Repeat("?, ", len(columns)-1) + "?)"
		query := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES " + strings.Repeat(row+", ", k-1) + row
		stmt, err := tx.PrepareContext(ctx, query)
		if err != nil {
			return nil, fmt.Errorf("prepare %s: %w", table, err)
		}
		return stmt, nil
	}
	full, err := prepare(insertChunk)
	if err != nil {
		return err
	}
	defer full.Close()
	values := make([]any, 0, insertChunk*len(columns))
	for lo := 0; lo < n; lo += insertChunk {
		hi := min(lo+insertChunk, n)
		values = values[:0]
		for i := lo; i < hi; i++ {
			values = append(values, args(i)...)
		}
		stmt := full
		if hi-lo < insertChunk {
			if stmt, err = prepare(hi - lo); err != nil {
				return err
			}
			defer stmt.Close()
		}
		if _, err := stmt.ExecContext(ctx, values...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
		rows[table] += hi - lo
	}
	return nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
