package demo

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// How many of each kind the generator makes, before the edge cases it adds.
// The rest follows from them: account orders from the customers, invoices and
// payments from the orders, opt-in proofs from the subscriptions, and so on.
// About 36,000 rows in all: enough for a plan with something in every month,
// few enough to write in about a second.
const (
	numCustomers   = 1300
	numGuestOrders = 1100
	numQuotes      = 180
	numAbandoned   = 700 // guest card designs that never became an order
	numContacts    = 1200
	numRequests    = 650
	numSubscribers = 950
	numContests    = 28
	numStudies     = 9
	years          = 10
)

// sqlTime is how the shop writes a moment: wall-clock time, no zone.
const sqlTime = "2006-01-02 15:04:05"

// edge is how far from a cutoff the edge-case rows lie: close enough to catch
// an off-by-a-timezone sweeper, far enough to survive a plan run a little later.
const edge = 3 * time.Hour

// The periods of the rules in config.toml.tmpl, for the edge cases.
var (
	oneDay     = sweeper.Period{Days: 1}
	twoWeeks   = sweeper.Period{Days: 14}
	thirtyDays = sweeper.Period{Days: 30}
	oneYear    = sweeper.Period{Years: 1}
	fiveYears  = sweeper.Period{Years: 5}
	sevenYears = sweeper.Period{Years: 7}
	eightYears = sweeper.Period{Years: 8}
)

type person struct {
	first, last, email, phone string
}

func (p person) name() string { return p.first + " " + p.last }

type address struct {
	street, number, postcode, city, country string
}

// line is the address on one line, as an order line or a contest entry keeps it.
func (a address) line() string {
	return a.street + " " + a.number + ", " + a.postcode + " " + a.city
}

// How a customer uses the account, which decides the logins and the orders.
type habit int

const (
	neverBack habit = iota // registered with the first order, never logged in again: last_login_at NULL
	oneOff                 // came back once, for the thank-you cards
	returner               // orders now and then
	regular                // seen in the last three months
)

type customer struct {
	id int64
	person
	addr              address
	company           string
	habit             habit
	created           time.Time
	lastLogin         time.Time // zero: NULL
	deletionRequested time.Time // zero: NULL
	passwordHash      string
}

// lastActive is the last moment the customer is known to have been in the shop.
func (c *customer) lastActive() time.Time {
	if c.lastLogin.IsZero() {
		return c.created
	}
	return c.lastLogin
}

type customerAddress struct {
	cust             *customer
	label, recipient string
	addr             address
	created          time.Time
}

type favourite struct {
	cust    *customer
	sku     string
	created time.Time
}

type quoteLine struct {
	description string
	quantity    int
	cents       int
}

type quote struct {
	id          int64
	cust        *customer // nil: asked without an account
	company     string
	person      person
	addr        *address // nil: not given
	description string
	lines       []quoteLine
	status      string
	created     time.Time
}

func (q *quote) total() int {
	t := 0
	for _, l := range q.lines {
		t += l.quantity * l.cents
	}
	return t
}

type orderLine struct {
	sku, description   string
	quantity, cents    int
	shipName, shipAddr string // set when the shop sends the card straight to a recipient
}

type order struct {
	id int64
	person
	addr      address
	cust      *customer // nil: a guest order
	quote     *quote
	company   string
	lines     []orderLine
	status    string
	ordered   time.Time
	method    string    // how it was paid
	invoiced  time.Time // zero: no invoice (not paid, or cancelled)
	paid      time.Time // zero: no payment yet
	invoiceID int64
}

func (o *order) total() int {
	t := 0
	for _, l := range o.lines {
		t += l.quantity * l.cents
	}
	return t
}

func (o *order) number() string { return fmt.Sprintf("%d-%06d", o.ordered.Year(), o.id) }

type design struct {
	cust             *customer // nil: a guest design
	token            string    // the guest's editor session
	order            *order    // nil: never ordered
	sku, title, body string
	created, updated time.Time
}

type contact struct {
	cust    *customer
	channel string
	person
	subject, message string
	received         time.Time
}

type request struct {
	cust           *customer
	kind, category string
	orderNumber    string
	person
	message          string
	designAccess     bool
	status           string
	received, handed time.Time // handed: handled_at, zero while open
}

type subscriber struct {
	id                             int64
	email, name, source            string
	subscribed, confirmed, unsubbd time.Time
	requestIP, confirmIP, agent    string
}

type contest struct {
	id                   int64
	title, slug          string
	starts, ends         time.Time
	retentionDays        int
	entrants, numWinners int
}

type entry struct {
	contest *contest
	person
	addr    string
	answer  string
	winner  bool
	entered time.Time
}

type study struct {
	id                      int64
	kind, title, summary    string
	started, finalized      time.Time // finalized zero: still running or being analysed
	participants, questions int
}

type participant struct {
	id    int64
	study *study
	cust  *customer
	person
	invited, responded time.Time
}

// generator makes the demo shop's rows. Everything random comes from one
// seeded source, so the same now gives the same shop.
type generator struct {
	rng   *rand.Rand
	now   time.Time
	start time.Time
	seq   int // makes every generated e-mail address unique

	women, men, last, streets, cities, bcities, labels []string
	companyKinds, companyNames, answers, agents        []string
	researchAnswers, months                            []string
	cards, extras, quoteTexts, quoteExtras             [][]string
	serviceTexts, contactTexts, phoneNotes             [][]string
	contestTitles, studies                             [][]string
	direct                                             []string
}

func newGenerator(now time.Time) *generator {
	return &generator{
		rng:             rand.New(rand.NewPCG(2016, 1122)),
		now:             now,
		start:           now.AddDate(-years, 0, 0),
		women:           lines(womenNames),
		men:             lines(menNames),
		last:            lines(lastNames),
		streets:         lines(streets),
		cities:          lines(cities),
		bcities:         lines(belgianCities),
		labels:          lines(addressLabels),
		companyKinds:    lines(companyKinds),
		companyNames:    lines(companyNames),
		answers:         lines(contestAnswers),
		agents:          lines(userAgents),
		researchAnswers: lines(researchAnswers),
		months:          lines(dutchMonths),
		cards:           fields(cards),
		extras:          fields(extras),
		quoteTexts:      fields(quoteTexts),
		quoteExtras:     fields(quoteExtras),
		serviceTexts:    fields(serviceTexts),
		contactTexts:    fields(contactTexts),
		phoneNotes:      fields(phoneNotes),
		contestTitles:   fields(contestTitles),
		studies:         fields(studies),
		direct:          fields(directShipping)[0],
	}
}

func lines(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }

func fields(s string) [][]string {
	var out [][]string
	for _, l := range lines(s) {
		out = append(out, strings.Split(l, "|"))
	}
	return out
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic("demo: bad number in a word list: " + s)
	}
	return n
}

// cutoff is the moment a rule with this period measures against now, by the
// same calendar arithmetic as the sweeper.
func (g *generator) cutoff(p sweeper.Period) time.Time { return p.Before(g.now) }

// past keeps t before now: nothing in a shop's database is dated in the future.
func (g *generator) past(t time.Time) time.Time { return minTime(t, g.now.Add(-time.Minute)) }

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

func (g *generator) pick(s []string) string { return s[g.rng.IntN(len(s))] }

func (g *generator) pickN(s [][]string) []string { return s[g.rng.IntN(len(s))] }

// between returns a moment in [a, b), whole seconds; a when the range is empty.
func (g *generator) between(a, b time.Time) time.Time {
	d := b.Sub(a)
	if d <= time.Second {
		return a.Truncate(time.Second)
	}
	return a.Add(time.Duration(g.rng.Int64N(int64(d)))).Truncate(time.Second)
}

// grown returns a moment in [a, b) as a growing shop sees its customers come:
// the density rises linearly to four times its start.
func (g *generator) grown(a, b time.Time) time.Time {
	d := b.Sub(a)
	if d <= time.Second {
		return a.Truncate(time.Second)
	}
	// Inverse of the CDF of f(x) = 0.4 + 1.2x on [0, 1].
	x := (-0.4 + math.Sqrt(0.16+2.4*g.rng.Float64())) / 1.2
	return a.Add(time.Duration(x * float64(d))).Truncate(time.Second)
}

// minutes returns a duration of lo to hi minutes, whole seconds.
func (g *generator) minutes(lo, hi int) time.Duration {
	return time.Duration(lo)*time.Minute + time.Duration(g.rng.Int64N(int64(hi-lo)*60+1))*time.Second
}

func (g *generator) days(lo, hi int) time.Duration {
	return time.Duration(lo)*24*time.Hour + time.Duration(g.rng.Int64N(int64(hi-lo)*86400+1))*time.Second
}

func (g *generator) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.IntN(16)]
	}
	return string(b)
}

func (g *generator) phone() string { return fmt.Sprintf("06-%08d", g.rng.IntN(100_000_000)) }

func (g *generator) person() person {
	var p person
	if g.chance(0.55) {
		p.first = g.pick(g.women)
	} else {
		p.first = g.pick(g.men)
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
		p.phone = g.phone()
	}
	return p
}

func (g *generator) address() address {
	a := address{street: g.pick(g.streets), number: fmt.Sprint(1 + g.rng.IntN(180))}
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

func (g *generator) company() string { return g.pick(g.companyKinds) + " " + g.pick(g.companyNames) }

// iban makes a Dutch account number with valid check digits at the bank code
// DEMO, which no bank has: it cannot be anyone's account.
func (g *generator) iban() string {
	bban := fmt.Sprintf("DEMO%010d", g.rng.Int64N(10_000_000_000))
	return "NL" + ibanCheck("NL", bban) + bban
}

// ibanCheck computes the two check digits of an IBAN (ISO 13616): the
// account, the country and "00", letters as numbers, mod 97.
func ibanCheck(country, bban string) string {
	rem := 0
	for _, r := range bban + country + "00" {
		if r >= 'A' && r <= 'Z' {
			rem = (rem*100 + int(r-'A'+10)) % 97
		} else {
			rem = (rem*10 + int(r-'0')) % 97
		}
	}
	return fmt.Sprintf("%02d", 98-rem)
}

// ip is an address from the documentation ranges (RFC 5737, RFC 3849):
// never a real visitor's.
func (g *generator) ip() string {
	if g.chance(0.15) {
		return fmt.Sprintf("2001:db8:%x::%x", g.rng.IntN(0x10000), 1+g.rng.IntN(0xffff))
	}
	nets := [...]string{"192.0.2", "198.51.100", "203.0.113"}
	return fmt.Sprintf("%s.%d", nets[g.rng.IntN(len(nets))], 1+g.rng.IntN(254))
}

func (g *generator) dutchDate(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), g.months[t.Month()-1], t.Year())
}

// customers makes the accounts, numbered in the order they registered, as the
// shop's AUTO_INCREMENT would have.
func (g *generator) customers() []*customer {
	idle := g.cutoff(sevenYears)
	cs := make([]*customer, 0, numCustomers+8)
	for range numCustomers {
		c := &customer{person: g.person(), addr: g.address()}
		c.created = g.grown(g.start, g.now.Add(-48*time.Hour))
		switch r := g.rng.Float64(); {
		case r < 0.08:
			c.habit = neverBack
		case r < 0.55:
			c.habit = oneOff
			if c.lastLogin = c.created.Add(g.days(1, 120)); !c.lastLogin.Before(g.now) {
				c.lastLogin = g.between(c.created, g.now)
			}
		case r < 0.85:
			c.habit = returner
			c.lastLogin = g.between(c.created, g.now)
		default:
			c.habit = regular
			c.lastLogin = g.between(maxTime(c.created, g.now.AddDate(0, -3, 0)), g.now)
		}
		if g.chance(0.06) {
			c.company = g.company()
		}
		cs = append(cs, c)
	}
	// Edge cases of account-idle-7y: the age is COALESCE(last_login_at, created_at).
	for _, e := range []struct{ created, login time.Time }{
		{idle.AddDate(-2, 0, 0), idle.Add(-edge)}, // due
		{idle.AddDate(-2, 0, 0), idle.Add(edge)},  // not yet
		{idle.Add(-edge), time.Time{}},            // due by created_at
		{idle.Add(edge), time.Time{}},             // not yet, by created_at
		{g.now.AddDate(-9, 0, 0), g.now.Add(-time.Hour)},
	} {
		c := &customer{person: g.person(), addr: g.address(), created: e.created, lastLogin: e.login, habit: returner}
		if e.login.IsZero() {
			c.habit = neverBack
		}
		cs = append(cs, c)
	}
	slices.SortStableFunc(cs, func(a, b *customer) int { return a.created.Compare(b.created) })
	const bcrypt = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for i, c := range cs {
		c.id = int64(i + 1)
		h := make([]byte, 53)
		for j := range h {
			h[j] = bcrypt[g.rng.IntN(len(bcrypt))]
		}
		c.passwordHash = "$2y$10$" + string(h)
	}

	// Deletion requests (account-deletion-request): two a day or more old,
	// due; two younger, due within the day. They come from regulars: people
	// who used the account lately and now want it gone.
	requests := []time.Time{
		g.cutoff(oneDay).Add(-edge), // due
		g.now.Add(-4 * 24 * time.Hour),
		g.cutoff(oneDay).Add(edge), // not yet
		g.now.Add(-5 * time.Hour),
	}
	for _, c := range cs {
		if len(requests) == 0 {
			break
		}
		if c.habit != regular || c.created.After(g.now.AddDate(-1, 0, 0)) || g.chance(0.9) {
			continue
		}
		c.deletionRequested = requests[0]
		if !c.lastLogin.Before(c.deletionRequested) {
			c.lastLogin = c.deletionRequested.Add(-g.days(0, 10) - time.Hour)
		}
		requests = requests[1:]
	}
	return cs
}

// addressBook makes the saved addresses: the customer's own, and those of the
// people they send cards to.
func (g *generator) addressBook(cs []*customer) []customerAddress {
	var out []customerAddress
	for _, c := range cs {
		if g.chance(0.7) {
			out = append(out, customerAddress{cust: c, label: "eigen adres", recipient: c.name(), addr: c.addr, created: c.created})
		}
		if c.habit == neverBack || !g.chance(0.3) {
			continue
		}
		for range 1 + g.rng.IntN(3) {
			p := g.person()
			label := g.pick(g.labels)
			switch label {
			case "tante", "oom", "juf":
				label += " " + p.first
			}
			if g.chance(0.2) {
				label = ""
			}
			out = append(out, customerAddress{cust: c, label: label, recipient: p.name(), addr: g.address(),
				created: g.past(g.between(c.created, c.lastActive().Add(time.Minute)))})
		}
	}
	slices.SortStableFunc(out, func(a, b customerAddress) int { return a.created.Compare(b.created) })
	return out
}

func (g *generator) favourites(cs []*customer) []favourite {
	var out []favourite
	for _, c := range cs {
		if c.habit == neverBack || !g.chance(0.3) {
			continue
		}
		seen := map[string]bool{}
		for range 1 + g.rng.IntN(4) {
			sku := g.pickN(g.cards)[0]
			if seen[sku] {
				continue
			}
			seen[sku] = true
			out = append(out, favourite{cust: c, sku: sku, created: g.past(g.between(c.created, c.lastActive().Add(time.Minute)))})
		}
	}
	slices.SortStableFunc(out, func(a, b favourite) int { return a.created.Compare(b.created) })
	return out
}

// quotes makes the quotes businesses asked for; an accepted one becomes an
// order, returned in the second result for orders to number with the rest.
func (g *generator) quotes(cs []*customer) ([]*quote, []*order) {
	var business []*customer
	for _, c := range cs {
		if c.company != "" {
			business = append(business, c)
		}
	}
	make1 := func(created time.Time, status string) *quote {
		q := &quote{created: created, status: status}
		if len(business) > 0 && g.chance(0.35) && business[g.rng.IntN(len(business))].created.Before(created) {
			c := business[g.rng.IntN(len(business))]
			for !c.created.Before(created) {
				c = business[g.rng.IntN(len(business))]
			}
			q.cust, q.person, q.company = c, c.person, c.company
		} else {
			q.person = g.person()
			if g.chance(0.8) {
				q.company = g.company()
			}
		}
		if g.chance(0.6) {
			a := g.address()
			q.addr = &a
		}
		t := g.pickN(g.quoteTexts)
		q.description = t[0]
		q.lines = append(q.lines, quoteLine{t[1], atoi(t[2]) * (2 + g.rng.IntN(5)) / 4, atoi(t[3])})
		for _, x := range g.quoteExtras {
			if g.chance(0.25) {
				q.lines = append(q.lines, quoteLine{x[0], atoi(x[1]), atoi(x[2])})
			}
		}
		return q
	}
	var qs []*quote
	for range numQuotes {
		created := g.grown(g.start, g.now.Add(-time.Hour))
		var status string
		switch r := g.rng.Float64(); {
		case g.now.Sub(created) < 14*24*time.Hour:
			status = "sent"
			if r < 0.4 {
				status = "requested"
			}
		case r < 0.45:
			status = "accepted"
		case r < 0.7:
			status = "declined"
		default:
			status = "expired"
		}
		qs = append(qs, make1(created, status))
	}
	// Edge cases of quote-8y.
	old := g.cutoff(eightYears)
	qs = append(qs, make1(old.Add(-edge), "declined"), make1(old.Add(edge), "expired"))
	slices.SortStableFunc(qs, func(a, b *quote) int { return a.created.Compare(b.created) })

	var ords []*order
	for i, q := range qs {
		q.id = int64(i + 1)
		if q.status != "accepted" {
			continue
		}
		at := q.created.Add(g.days(3, 20))
		if !at.Before(g.now.Add(-time.Hour)) {
			q.status = "sent"
			continue
		}
		o := &order{person: q.person, cust: q.cust, quote: q, company: q.company, ordered: at, method: "bank_transfer"}
		if q.addr != nil {
			o.addr = *q.addr
		} else {
			o.addr = g.address()
		}
		for _, l := range q.lines {
			o.lines = append(o.lines, orderLine{sku: "OFF-MAATWERK", description: l.description, quantity: l.quantity, cents: l.cents})
		}
		ords = append(ords, o)
	}
	return qs, ords
}

// cardLines makes the lines of a card order: the card, sometimes extras, and
// now and then cards sent straight to the recipients on a list.
func (g *generator) cardLines(card []string) []orderLine {
	var qty int
	switch card[3] {
	case "geboorte", "trouw":
		qty = 30 + 5*g.rng.IntN(25)
	case "kerst":
		qty = 10 + 5*g.rng.IntN(19)
	default:
		qty = 10 + 5*g.rng.IntN(9)
	}
	ls := []orderLine{{sku: card[0], description: card[1], quantity: qty, cents: atoi(card[2])}}
	if g.chance(0.3) {
		x := g.pickN(g.extras)
		ls = append(ls, orderLine{sku: x[0], description: x[1], quantity: 1 + g.rng.IntN(atoi(x[3])), cents: atoi(x[2])})
	}
	if g.chance(0.03) {
		for range 3 + g.rng.IntN(6) {
			p := g.person()
			ls = append(ls, orderLine{sku: g.direct[0], description: g.direct[1], quantity: 1, cents: atoi(g.direct[2]),
				shipName: p.name(), shipAddr: g.address().line()})
		}
	}
	return ls
}

// cardOrder makes an order of a card at the moment at, for customer c or for
// a guest (c nil).
func (g *generator) cardOrder(c *customer, at time.Time, card []string) *order {
	o := &order{cust: c, ordered: at}
	if c != nil {
		o.person, o.addr = c.person, c.addr
		if g.chance(0.15) {
			o.addr = g.address() // sent to another address this time
		}
	} else {
		o.person, o.addr = g.person(), g.address()
	}
	if card == nil {
		card = g.pickN(g.cards)
	}
	o.lines = g.cardLines(card)
	switch r := g.rng.Float64(); {
	case o.addr.country == "BE" && r < 0.6:
		o.method = "bancontact"
	case r < 0.8:
		o.method = "ideal"
	case r < 0.9:
		o.method = "creditcard"
	default:
		o.method = "paypal"
	}
	return o
}

// orders makes the card orders of the accounts and of guests, plus the edge
// cases of the order, invoice and payment rules, and numbers them all (the
// quotes' orders included) in the order they were placed.
func (g *generator) orders(cs []*customer, fromQuotes []*order) []*order {
	var birth, thanks [][]string
	for _, c := range g.cards {
		switch c[3] {
		case "geboorte":
			birth = append(birth, c)
		case "bedank":
			thanks = append(thanks, c)
		}
	}
	latest := g.now.Add(-15 * time.Minute)
	ords := slices.Clone(fromQuotes)
	for _, c := range cs {
		first := minTime(c.created.Add(g.minutes(2, 40)), latest)
		var n int
		switch c.habit {
		case neverBack:
			if g.chance(0.85) {
				n = 1
			}
		case oneOff:
			if g.chance(0.85) {
				n = 1
			}
		case returner:
			n = 1 + g.rng.IntN(3)
		case regular:
			n = 2 + g.rng.IntN(4)
		}
		for i := range n {
			at := first
			if i > 0 {
				if at = g.between(c.created, c.lastActive().Add(time.Minute)); at.After(latest) {
					at = g.between(c.created, latest)
				}
			}
			var card []string
			if i == 0 && g.chance(0.6) {
				card = birth[g.rng.IntN(len(birth))]
			}
			ords = append(ords, g.cardOrder(c, at, card))
		}
		if at := c.lastLogin.Add(g.minutes(2, 30)); c.habit == oneOff && at.Before(latest) && g.chance(0.4) {
			// Back once, for the thank-you cards.
			ords = append(ords, g.cardOrder(c, at, thanks[g.rng.IntN(len(thanks))]))
		}
	}
	for range numGuestOrders {
		ords = append(ords, g.cardOrder(nil, g.grown(g.start, latest), nil))
	}
	for _, o := range ords {
		g.settle(o)
	}

	// Edge cases, as guest orders, shipped and paid by iDEAL. A zero paid
	// means three minutes after the order.
	keep, guest := g.cutoff(sevenYears), g.cutoff(oneYear)
	fiscal := g.cutoff(eightYears)
	for _, e := range []struct{ ordered, paid time.Time }{
		{keep.Add(-edge), time.Time{}},                         // order-7y due
		{keep.Add(edge), time.Time{}},                          // order-7y not yet
		{guest.Add(-edge), time.Time{}},                        // design-guest-order-1y: its design due
		{guest.Add(edge), time.Time{}},                         // its design not yet
		{fiscal.Add(-edge - 4*time.Minute), fiscal.Add(-edge)}, // invoice-8y and payment-8y due
		{fiscal.Add(edge - 4*time.Minute), fiscal.Add(edge)},   // not yet
		{keep.Add(-edge - 4*time.Minute), keep.Add(-edge)},     // payment-account-7y due
		{keep.Add(edge - 4*time.Minute), keep.Add(edge)},       // not yet
	} {
		o := g.cardOrder(nil, e.ordered, nil)
		o.method, o.status, o.paid = "ideal", "shipped", e.paid
		if o.paid.IsZero() {
			o.paid = e.ordered.Add(3 * time.Minute)
		}
		o.invoiced = o.paid
		ords = append(ords, o)
	}
	slices.SortStableFunc(ords, func(a, b *order) int { return a.ordered.Compare(b.ordered) })
	for i, o := range ords {
		o.id = int64(i + 1)
	}
	return ords
}

// settle gives an order its status, and its invoice and payment moments.
func (g *generator) settle(o *order) {
	age := g.now.Sub(o.ordered)
	switch r := g.rng.Float64(); {
	case age < time.Hour && r < 0.4:
		o.status = "pending" // the iDEAL page is still open
	case age < 24*time.Hour:
		o.status = "paid"
	case age < 5*24*time.Hour && r < 0.3:
		o.status = "printing"
	case age < 5*24*time.Hour:
		o.status = "shipped"
	case r < 0.04:
		o.status = "cancelled" // never paid
	case r < 0.06:
		o.status = "returned"
	default:
		o.status = "shipped"
	}
	if o.status == "pending" || o.status == "cancelled" {
		return
	}
	if o.method == "bank_transfer" {
		// Quotes are invoiced after the order and paid by transfer, late.
		o.invoiced = g.past(o.ordered.Add(g.minutes(60, 24*60)))
		if paid := o.invoiced.Add(g.days(3, 21)); paid.Before(g.now) {
			o.paid = paid
		}
		return
	}
	o.paid = g.past(o.ordered.Add(g.minutes(1, 8)))
	o.invoiced = o.paid
}

// designs makes the card designs of the editor: one printed for every order,
// designs saved in accounts and never ordered, and guests' designs abandoned
// in the editor.
func (g *generator) designs(cs []*customer, ords []*order) []design {
	out := make([]design, 0, len(ords)+numAbandoned+300)
	for _, o := range ords {
		card := o.lines[0]
		d := design{cust: o.cust, order: o, sku: card.sku}
		from := o.ordered.Add(-g.days(0, 5) - 10*time.Minute)
		if o.cust != nil {
			from = maxTime(from, o.cust.created)
		} else {
			d.token = g.hex(32)
			from = maxTime(from, o.ordered.Add(-48*time.Hour))
		}
		d.created = g.between(from, o.ordered.Add(-5*time.Minute))
		d.updated = g.between(d.created, o.ordered.Add(-time.Minute))
		d.title, d.body = g.designContent(o.person, card.sku, card.description, o.ordered)
		out = append(out, d)
	}
	for _, c := range cs {
		if c.habit == neverBack || !g.chance(0.2) {
			continue
		}
		card := g.pickN(g.cards)
		d := design{cust: c, sku: card[0]}
		d.created = g.past(g.between(c.created, c.lastActive().Add(time.Minute)))
		d.updated = g.past(d.created.Add(g.minutes(0, 2*24*60)))
		d.title, d.body = g.designContent(c.person, card[0], card[1], d.created)
		out = append(out, d)
	}
	abandon := func(updated time.Time) design {
		card := g.pickN(g.cards)
		d := design{token: g.hex(32), sku: card[0], updated: updated}
		d.created = updated.Add(-g.minutes(0, 180))
		d.title, d.body = g.designContent(g.person(), card[0], card[1], d.created)
		return d
	}
	for range numAbandoned {
		out = append(out, abandon(g.grown(g.start, g.now.Add(-10*time.Minute))))
	}
	// Edge cases of design-guest-unordered-30d.
	unordered := g.cutoff(thirtyDays)
	out = append(out, abandon(unordered.Add(-edge)), abandon(unordered.Add(edge)))
	slices.SortStableFunc(out, func(a, b design) int { return a.created.Compare(b.created) })
	return out
}

// designContent writes what the customer put on the card, as the editor's
// JSON: names, dates, texts and a photo.
func (g *generator) designContent(p person, sku, description string, at time.Time) (title, content string) {
	type element struct {
		Kind  string `json:"type"`
		Value string `json:"value"`
	}
	var els []element
	add := func(kind, value string) { els = append(els, element{kind, value}) }
	switch {
	case strings.HasPrefix(sku, "GK-"):
		baby := g.pick(g.women)
		if g.chance(0.5) {
			baby = g.pick(g.men)
		}
		born := at.AddDate(0, 0, -1-g.rng.IntN(10))
		title = "Geboortekaartje " + baby
		add("heading", "Welkom lieve "+baby)
		add("text", fmt.Sprintf("%s %s is geboren op %s", baby, p.last, g.dutchDate(born)))
		add("text", fmt.Sprintf("%d gram, %d cm", 2600+10*g.rng.IntN(180), 45+g.rng.IntN(10)))
		add("text", p.first+" en "+g.pick(g.men)+" "+p.last)
	case strings.HasPrefix(sku, "TK-"):
		partner := g.pick(g.men)
		title = "Trouwkaart " + p.first + " & " + partner
		add("heading", p.first+" & "+partner+" gaan trouwen")
		add("text", g.dutchDate(at.AddDate(0, 2+g.rng.IntN(5), 0)))
	case strings.HasPrefix(sku, "OFF-"):
		title = description
		add("text", description)
	default:
		title = description
		add("text", "Lieve groet van "+p.first)
	}
	if strings.HasSuffix(sku, "FOTO") || g.chance(0.4) {
		add("image", "uploads/"+g.hex(16)+".jpg")
	}
	b, err := json.Marshal(map[string]any{"card": sku, "elements": els})
	if err != nil {
		panic(err) // plain strings only: cannot happen
	}
	return title, string(b)
}

func (g *generator) contacts(cs []*customer) []contact {
	cut := g.cutoff(fiveYears)
	make1 := func(at time.Time) contact {
		c := contact{received: at}
		if i := g.rng.IntN(len(cs)); g.chance(0.35) && cs[i].created.Before(at) {
			c.cust, c.person = cs[i], cs[i].person
		} else {
			c.person = g.person()
		}
		var t []string
		switch r := g.rng.Float64(); {
		case r < 0.4:
			c.channel, t = "email", g.pickN(g.contactTexts)
			c.phone = ""
		case r < 0.7:
			c.channel, t = "form", g.pickN(g.contactTexts)
			if g.chance(0.6) {
				c.phone = ""
			}
		case r < 0.9:
			c.channel, t = "phone", g.pickN(g.phoneNotes)
			c.email = ""
			if c.phone == "" {
				c.phone = g.phone()
			}
		default:
			c.channel, t = "whatsapp", g.pickN(g.contactTexts)
			c.email, c.first, c.last = "", "", ""
			if c.phone == "" {
				c.phone = g.phone()
			}
		}
		c.subject, c.message = t[0], t[1]
		return c
	}
	out := make([]contact, 0, numContacts+2)
	for range numContacts {
		out = append(out, make1(g.grown(g.start, g.now.Add(-10*time.Minute))))
	}
	// Edge cases of contact-5y.
	out = append(out, make1(cut.Add(-edge)), make1(cut.Add(edge)))
	slices.SortStableFunc(out, func(a, b contact) int { return a.received.Compare(b.received) })
	return out
}

// requests makes the customer-service requests: most about an order, a day
// to a few weeks after it, and handled within days.
func (g *generator) requests(cs []*customer, ords []*order) []request {
	make1 := func(at time.Time, o *order) request {
		t := g.pickN(g.serviceTexts)
		r := request{received: at, kind: t[0], category: t[1], message: t[2], designAccess: g.chance(0.25)}
		switch {
		case o != nil:
			r.cust, r.person = o.cust, o.person
			if g.chance(0.9) {
				r.orderNumber = o.number()
			}
		default:
			if i := g.rng.IntN(len(cs)); g.chance(0.4) && cs[i].created.Before(at) {
				r.cust, r.person = cs[i], cs[i].person
			} else {
				r.person = g.person()
			}
		}
		if g.chance(0.2) {
			r.first, r.last = "", "" // the form leaves the name optional
		}
		return r
	}
	handle := func(r *request) {
		r.status = "handled"
		r.handed = g.past(r.received.Add(g.minutes(120, 8*24*60)))
	}
	out := make([]request, 0, numRequests+8)
	for range numRequests {
		var r request
		if o := ords[g.rng.IntN(len(ords))]; g.chance(0.7) {
			at := o.ordered.Add(g.days(1, 25))
			if !at.Before(g.now) {
				at = g.between(o.ordered, g.now)
			}
			r = make1(at, o)
		} else {
			r = make1(g.grown(g.start, g.now.Add(-time.Hour)), nil)
		}
		switch x := g.rng.Float64(); {
		case g.now.Sub(r.received) < 14*24*time.Hour && x < 0.4:
			r.status = "open"
		case g.now.Sub(r.received) < 14*24*time.Hour && x < 0.6:
			r.status = "waiting"
		case x < 0.02:
			r.status = "waiting" // the customer never answered; nobody closed it
		case x < 0.03:
			r.status = "open" // forgotten
		default:
			handle(&r)
			if !r.handed.After(r.received) {
				r.status, r.handed = "open", time.Time{}
			}
		}
		out = append(out, r)
	}
	// Edge cases of service-request-handled and service-request-5y.
	handled, capped := g.cutoff(twoWeeks), g.cutoff(fiveYears)
	for _, e := range []struct {
		received, handled time.Time
		status            string
	}{
		{handled.Add(-edge - 48*time.Hour), handled.Add(-edge), "handled"}, // handled rule due
		{handled.Add(-edge - 48*time.Hour), handled.Add(edge), "handled"},  // not yet
		// Reopened by the customer's reply: the shop's software set the
		// status, handled_at is still there. where holds it whole.
		{handled.AddDate(0, 0, -10), handled.AddDate(0, 0, -7), "waiting"},
		{capped.Add(-edge), time.Time{}, "open"},                         // 5-year cap due, never closed
		{capped.Add(edge), time.Time{}, "waiting"},                       // not yet
		{capped.Add(-edge - 72*time.Hour), capped.Add(-edge), "handled"}, // due by both
	} {
		r := make1(e.received, nil)
		r.status, r.handed = e.status, e.handled
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b request) int { return a.received.Compare(b.received) })
	return out
}

// subscribers makes the newsletter subscriptions: sign-ups on the site
// (double opt-in, most confirmed) and customers who ticked the box at
// checkout; about a third unsubscribed later, and a few came back.
func (g *generator) subscribers(ords []*order) []*subscriber {
	signup := func(at time.Time) *subscriber {
		p := g.person()
		s := &subscriber{email: p.email, source: "signup", subscribed: at, requestIP: g.ip()}
		if g.chance(0.5) {
			s.name = p.name()
		}
		if g.chance(0.88) {
			if c := at.Add(g.minutes(1, 2*24*60)); c.Before(g.now) {
				s.confirmed, s.confirmIP, s.agent = c, g.ip(), g.pick(g.agents)
			}
		}
		return s
	}
	var out []*subscriber
	for range numSubscribers {
		var s *subscriber
		if o := ords[g.rng.IntN(len(ords))]; g.chance(0.35) {
			s = &subscriber{email: o.email, name: o.name(), source: "customer", subscribed: o.ordered, requestIP: g.ip()}
		} else {
			s = signup(g.grown(g.start, g.now.Add(-time.Hour)))
		}
		if from := maxTime(s.subscribed, s.confirmed).Add(time.Hour); (s.source == "customer" || !s.confirmed.IsZero()) &&
			from.Before(g.now.Add(-time.Minute)) && g.chance(0.33) {
			s.unsubbd = g.between(from, g.now)
			if g.chance(0.05) && s.unsubbd.Before(g.now.AddDate(0, -1, 0)) {
				// Back on the list: a new subscription with its own opt-in.
				again := signup(g.between(s.unsubbd, g.now.Add(-time.Hour)))
				again.email, again.name = s.email, s.name
				out = append(out, again)
			}
		}
		out = append(out, s)
	}
	// Edge cases of newsletter-unsubscribed, newsletter-optin-proof-5y and
	// newsletter-unconfirmed-30d.
	for _, unsub := range []time.Time{
		g.cutoff(oneDay).Add(-edge), g.cutoff(oneDay).Add(edge),
		g.cutoff(fiveYears).Add(-edge), g.cutoff(fiveYears).Add(edge),
	} {
		s := signup(unsub.AddDate(-2, 0, 0))
		if s.confirmed.IsZero() {
			s.confirmed, s.confirmIP, s.agent = s.subscribed.Add(10*time.Minute), g.ip(), g.pick(g.agents)
		}
		s.unsubbd = unsub
		out = append(out, s)
	}
	for _, at := range []time.Time{g.cutoff(thirtyDays).Add(-edge), g.cutoff(thirtyDays).Add(edge)} {
		s := signup(at)
		s.confirmed, s.confirmIP, s.agent = time.Time{}, "", ""
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b *subscriber) int { return a.subscribed.Compare(b.subscribed) })
	for i, s := range out {
		s.id = int64(i + 1)
	}
	return out
}

// contests makes the contests, about three a year, each with its own period
// in its terms, and the entries.
func (g *generator) contests() ([]*contest, []entry) {
	var cs []*contest
	make1 := func(starts, ends time.Time, retention, entrants int) *contest {
		t := g.contestTitles[len(cs)%len(g.contestTitles)] // in turn: no title twice in a year
		return &contest{title: t[0], slug: t[1], starts: starts, ends: ends, retentionDays: retention,
			entrants: entrants, numWinners: 1 + g.rng.IntN(3)}
	}
	retentions := []int{30, 60, 90, 90, 180, 365}
	span := g.now.Sub(g.start) / numContests
	for i := range numContests {
		starts := g.start.Add(time.Duration(i)*span + g.days(0, 60))
		starts = time.Date(starts.Year(), starts.Month(), starts.Day(), 9, 0, 0, 0, g.now.Location())
		ends := starts.AddDate(0, 0, 14+g.rng.IntN(29))
		ends = time.Date(ends.Year(), ends.Month(), ends.Day(), 23, 59, 0, 0, g.now.Location())
		if !starts.Before(g.now) {
			continue
		}
		c := make1(starts, ends, retentions[g.rng.IntN(len(retentions))], 15+i*2+g.rng.IntN(20))
		cs = append(cs, c)
	}
	// One running: its entries go some months after it ends.
	starts := time.Date(g.now.Year(), g.now.Month(), g.now.Day(), 9, 0, 0, 0, g.now.Location()).AddDate(0, 0, -10)
	cs = append(cs, make1(starts, starts.AddDate(0, 0, 31).Add(14*time.Hour+59*time.Minute), 90, 40))
	// Edge cases of contest-entries: the terms' period ends a few hours
	// before and after now. The rule's age is that moment minus a day, its
	// older_than a day: together, the moment itself.
	for _, e := range []struct {
		deadline  time.Time
		retention int
	}{{g.now.Add(-edge), 60}, {g.now.Add(edge), 30}} {
		ends := e.deadline.AddDate(0, 0, -e.retention)
		cs = append(cs, make1(ends.AddDate(0, 0, -21), ends, e.retention, 8))
	}
	slices.SortStableFunc(cs, func(a, b *contest) int { return a.starts.Compare(b.starts) })
	var es []entry
	for i, c := range cs {
		c.id = int64(i + 1)
		last := minTime(c.ends, g.now.Add(-time.Minute))
		start := len(es)
		for range c.entrants {
			p := g.person()
			e := entry{contest: c, person: p, answer: g.pick(g.answers), entered: g.grown(c.starts, last)}
			if g.chance(0.05) {
				e.email = ""
			}
			if g.chance(0.6) {
				e.addr = g.address().line()
			}
			es = append(es, e)
		}
		if c.ends.Before(g.now) {
			for w := range c.numWinners {
				es[start+w*c.entrants/c.numWinners].winner = true
			}
		}
	}
	slices.SortStableFunc(es, func(a, b entry) int { return a.entered.Compare(b.entered) })
	return cs, es
}

// research makes the studies, their panels and the answers.
func (g *generator) research(cs []*customer) ([]*study, []*participant, [][]any) {
	var ss []*study
	span := g.now.Sub(g.start) / numStudies
	for i := range numStudies {
		t := g.studies[i%len(g.studies)]
		s := &study{kind: t[0], title: t[1], summary: t[2], participants: 30 + g.rng.IntN(30), questions: 3 + g.rng.IntN(3)}
		s.started = g.start.Add(time.Duration(i)*span + g.days(0, 90))
		s.finalized = s.started.Add(g.days(30, 120))
		if !s.finalized.Before(g.cutoff(oneDay).Add(-2 * edge)) {
			continue
		}
		ss = append(ss, s)
	}
	// Edge cases of research-finished: finished a day ago, give or take a
	// few hours; and one running, its panel never due.
	for i, fin := range []time.Time{g.cutoff(oneDay).Add(-edge), g.cutoff(oneDay).Add(edge), {}} {
		t := g.studies[(numStudies+i)%len(g.studies)]
		s := &study{kind: t[0], title: t[1], participants: 15, questions: 4}
		if fin.IsZero() {
			s.started = g.now.AddDate(0, 0, -20)
		} else {
			s.started, s.finalized, s.summary = fin.AddDate(0, -2, 0), fin, t[2]
		}
		ss = append(ss, s)
	}
	slices.SortStableFunc(ss, func(a, b *study) int { return a.started.Compare(b.started) })
	var ps []*participant
	var answers [][]any
	for i, s := range ss {
		s.id = int64(i + 1)
		for range s.participants {
			p := &participant{study: s, invited: g.past(s.started.Add(g.days(0, 7)))}
			if c := cs[g.rng.IntN(len(cs))]; g.chance(0.7) && c.created.Before(p.invited) {
				p.cust, p.person = c, c.person
			} else {
				p.person = g.person()
			}
			// Most are invited by e-mail; some by phone as well, a few only by phone.
			phone := ""
			if g.chance(0.3) {
				if phone = p.phone; phone == "" {
					phone = g.phone()
				}
				if g.chance(0.3) {
					p.email = ""
				}
			}
			p.phone = phone
			end := s.finalized
			if end.IsZero() {
				end = g.now
			}
			if g.chance(0.6) {
				p.responded = g.between(p.invited, minTime(p.invited.Add(14*24*time.Hour), end))
			}
			ps = append(ps, p)
		}
	}
	slices.SortStableFunc(ps, func(a, b *participant) int { return a.invited.Compare(b.invited) })
	for i, p := range ps {
		p.id = int64(i + 1)
		if p.responded.IsZero() {
			continue
		}
		for q := range p.study.questions {
			answers = append(answers, []any{p.id, q + 1, g.pick(g.researchAnswers)})
		}
	}
	return ss, ps, answers
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
	ref := func(id int64) any {
		if id == 0 {
			return nil
		}
		return id
	}
	custID := func(c *customer) any {
		if c == nil {
			return nil
		}
		return c.id
	}
	flag := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	var err error
	run := func(table string, columns []string, n int, args func(i int) []any) {
		if err == nil {
			err = insert(ctx, tx, rows, table, columns, n, args)
		}
	}

	cs := g.customers()
	run("customers", []string{"id", "email", "password_hash", "first_name", "last_name", "phone", "company_name", "created_at", "last_login_at", "deletion_requested_at"},
		len(cs), func(i int) []any {
			c := cs[i]
			return []any{c.id, c.email, c.passwordHash, c.first, c.last, str(c.phone), str(c.company), ts(c.created), ts(c.lastLogin), ts(c.deletionRequested)}
		})
	book := g.addressBook(cs)
	run("customer_addresses", []string{"id", "customer_id", "label", "recipient_name", "street", "house_number", "postcode", "city", "country", "created_at"},
		len(book), func(i int) []any {
			a := book[i]
			return []any{i + 1, a.cust.id, str(a.label), a.recipient, a.addr.street, a.addr.number, a.addr.postcode, a.addr.city, a.addr.country, ts(a.created)}
		})
	favs := g.favourites(cs)
	run("favourites", []string{"id", "customer_id", "product_sku", "created_at"},
		len(favs), func(i int) []any { return []any{i + 1, favs[i].cust.id, favs[i].sku, ts(favs[i].created)} })

	qs, quoted := g.quotes(cs)
	run("quotes", []string{"id", "quote_number", "customer_id", "company_name", "contact_name", "email", "phone", "street", "house_number", "postcode", "city", "description", "total_cents", "status", "created_at"},
		len(qs), func(i int) []any {
			q := qs[i]
			var a address
			if q.addr != nil {
				a = *q.addr
			}
			return []any{q.id, fmt.Sprintf("OF-%d-%04d", q.created.Year(), q.id), custID(q.cust), str(q.company), q.person.name(), q.person.email, str(q.person.phone),
				str(a.street), str(a.number), str(a.postcode), str(a.city), q.description, q.total(), q.status, ts(q.created)}
		})
	var qlines [][]any
	for _, q := range qs {
		for _, l := range q.lines {
			qlines = append(qlines, []any{len(qlines) + 1, q.id, l.description, l.quantity, l.cents})
		}
	}
	run("quote_lines", []string{"id", "quote_id", "description", "quantity", "price_cents"}, len(qlines), func(i int) []any { return qlines[i] })

	ords := g.orders(cs, quoted)
	run("orders", []string{"id", "order_number", "customer_id", "quote_id", "email", "first_name", "last_name", "phone", "street", "house_number", "postcode", "city", "country", "total_cents", "status", "ordered_at"},
		len(ords), func(i int) []any {
			o := ords[i]
			var quoteID int64
			if o.quote != nil {
				quoteID = o.quote.id
			}
			return []any{o.id, o.number(), custID(o.cust), ref(quoteID), o.email, o.first, o.last, str(o.phone),
				o.addr.street, o.addr.number, o.addr.postcode, o.addr.city, o.addr.country, o.total(), o.status, ts(o.ordered)}
		})
	var olines [][]any
	for _, o := range ords {
		for _, l := range o.lines {
			olines = append(olines, []any{len(olines) + 1, o.id, l.sku, l.description, l.quantity, l.cents, str(l.shipName), str(l.shipAddr)})
		}
	}
	run("order_lines", []string{"id", "order_id", "product_sku", "description", "quantity", "unit_price_cents", "ship_to_name", "ship_to_address"},
		len(olines), func(i int) []any { return olines[i] })

	ds := g.designs(cs, ords)
	run("card_designs", []string{"id", "customer_id", "guest_token", "order_id", "product_sku", "title", "content", "created_at", "updated_at"},
		len(ds), func(i int) []any {
			d := ds[i]
			var orderID int64
			if d.order != nil {
				orderID = d.order.id
			}
			return []any{i + 1, custID(d.cust), str(d.token), ref(orderID), d.sku, str(d.title), d.body, ts(d.created), ts(d.updated)}
		})

	// Invoices, numbered by their date; their lines sum the cards sent to
	// recipients into one.
	var invoiced []*order
	for _, o := range ords {
		if !o.invoiced.IsZero() {
			invoiced = append(invoiced, o)
		}
	}
	slices.SortStableFunc(invoiced, func(a, b *order) int { return a.invoiced.Compare(b.invoiced) })
	var ilines [][]any
	for i, o := range invoiced {
		o.invoiceID = int64(i + 1)
		direct := 0
		for _, l := range o.lines {
			if l.shipName != "" {
				direct++
				continue
			}
			ilines = append(ilines, []any{len(ilines) + 1, o.invoiceID, l.description, l.quantity, l.cents, 21.0})
		}
		if direct > 0 {
			ilines = append(ilines, []any{len(ilines) + 1, o.invoiceID, g.direct[1], direct, atoi(g.direct[2]), 21.0})
		}
	}
	run("invoices", []string{"id", "invoice_number", "order_id", "customer_id", "billing_name", "company_name", "vat_number", "street", "house_number", "postcode", "city", "country", "email", "total_cents", "vat_cents", "invoice_date"},
		len(invoiced), func(i int) []any {
			o := invoiced[i]
			var vat string
			if o.company != "" {
				vat = fmt.Sprintf("NL%09dB01", o.id*7919%1_000_000_000)
			}
			total := o.total()
			return []any{o.invoiceID, fmt.Sprintf("F%d-%06d", o.invoiced.Year(), o.invoiceID), o.id, custID(o.cust), o.name(), str(o.company), str(vat),
				o.addr.street, o.addr.number, o.addr.postcode, o.addr.city, o.addr.country, o.email, total, total * 21 / 121, ts(o.invoiced)}
		})
	run("invoice_lines", []string{"id", "invoice_id", "description", "quantity", "unit_price_cents", "vat_rate"}, len(ilines), func(i int) []any { return ilines[i] })

	var paid []*order
	for _, o := range ords {
		if !o.paid.IsZero() {
			paid = append(paid, o)
		}
	}
	slices.SortStableFunc(paid, func(a, b *order) int { return a.paid.Compare(b.paid) })
	run("payments", []string{"id", "order_id", "invoice_id", "method", "amount_cents", "psp_reference", "iban", "account_holder", "paid_at"},
		len(paid), func(i int) []any {
			o := paid[i]
			var ref, iban, holder string
			switch o.method {
			case "ideal", "bank_transfer":
				iban = g.iban()
				holder = o.first[:1] + " " + o.last
				if o.company != "" {
					holder = o.company
				}
			}
			if o.method != "bank_transfer" {
				ref = "tr_" + g.hex(10)
			}
			return []any{i + 1, o.id, o.invoiceID, o.method, o.total(), str(ref), str(iban), str(holder), ts(o.paid)}
		})

	cts := g.contacts(cs)
	run("contact_messages", []string{"id", "customer_id", "channel", "name", "email", "phone", "subject", "message", "received_at"},
		len(cts), func(i int) []any {
			c := cts[i]
			name := ""
			if c.first != "" {
				name = c.name()
			}
			return []any{i + 1, custID(c.cust), c.channel, str(name), str(c.email), str(c.phone), c.subject, c.message, ts(c.received)}
		})

	rs := g.requests(cs, ords)
	run("service_requests", []string{"id", "customer_id", "kind", "category", "order_number", "name", "email", "phone", "message", "design_access", "status", "received_at", "handled_at"},
		len(rs), func(i int) []any {
			r := rs[i]
			name := ""
			if r.first != "" {
				name = r.name()
			}
			return []any{i + 1, custID(r.cust), r.kind, r.category, str(r.orderNumber), str(name), r.email, str(r.phone), r.message,
				flag(r.designAccess), r.status, ts(r.received), ts(r.handed)}
		})

	subs := g.subscribers(ords)
	run("newsletter_subscribers", []string{"id", "email", "name", "source", "subscribed_at", "confirmed_at", "unsubscribed_at"},
		len(subs), func(i int) []any {
			s := subs[i]
			return []any{s.id, s.email, str(s.name), s.source, ts(s.subscribed), ts(s.confirmed), ts(s.unsubbd)}
		})
	run("newsletter_optins", []string{"id", "subscriber_id", "consent_text", "requested_at", "request_ip", "confirmed_at", "confirm_ip", "confirm_user_agent"},
		len(subs), func(i int) []any {
			s := subs[i]
			consent := consentSignup
			if s.source == "customer" {
				consent = consentCheckout
			}
			return []any{s.id, s.id, consent, ts(s.subscribed), s.requestIP, ts(s.confirmed), str(s.confirmIP), str(s.agent)}
		})

	cos, entries := g.contests()
	run("contests", []string{"id", "title", "terms_url", "starts_at", "ends_at", "retention_days"},
		len(cos), func(i int) []any {
			c := cos[i]
			url := fmt.Sprintf("https://www.example.nl/actievoorwaarden/%s-%d", c.slug, c.starts.Year())
			return []any{c.id, c.title, url, ts(c.starts), ts(c.ends), c.retentionDays}
		})
	run("contest_entries", []string{"id", "contest_id", "name", "email", "address", "answer", "is_winner", "entered_at"},
		len(entries), func(i int) []any {
			e := entries[i]
			return []any{i + 1, e.contest.id, e.name(), str(e.email), str(e.addr), e.answer, flag(e.winner), ts(e.entered)}
		})

	sts, panel, answers := g.research(cs)
	run("research_studies", []string{"id", "title", "kind", "started_at", "finalized_at", "summary"},
		len(sts), func(i int) []any {
			s := sts[i]
			return []any{s.id, s.title, s.kind, ts(s.started), ts(s.finalized), str(s.summary)}
		})
	run("research_participants", []string{"id", "study_id", "customer_id", "email", "phone", "invited_at", "responded_at"},
		len(panel), func(i int) []any {
			p := panel[i]
			return []any{p.id, p.study.id, custID(p.cust), str(p.email), str(p.phone), ts(p.invited), ts(p.responded)}
		})
	run("research_responses", []string{"id", "participant_id", "question_no", "answer"},
		len(answers), func(i int) []any { return append([]any{i + 1}, answers[i]...) })
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
	rows[table] += 0 // an empty table is still a table of the shop
	if n == 0 {
		return nil
	}
	prepare := func(k int) (*sql.Stmt, error) {
		row := "(" + strings.Repeat("?, ", len(columns)-1) + "?)"
		query := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES " + strings.Repeat(row+", ", k-1) + row
		stmt, err := tx.PrepareContext(ctx, query)
		if err != nil {
			return nil, fmt.Errorf("prepare %s: %w", table, err)
		}
		return stmt, nil
	}
	full, err := prepare(min(insertChunk, n))
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
		if hi-lo < insertChunk && n > insertChunk {
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
