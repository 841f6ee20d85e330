package presets_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// The presets' data maps, held to the requests a privacy statement
// promises: two people, each with rows in every table that holds a
// person's data on the platform, written by the links each test lists
// itself (so that a link the preset's map lacks leaves rows its export
// misses), are exported, held through a sweep far ahead and erased.

// gone reports whether err says that nobody has the value asked for,
// rather than that the request failed.
func gone(err error) bool {
	var serr *sweeper.SubjectError
	return errors.As(err, &serr) && len(serr.Keys) == 0
}

// farNight is a night by which every row the rights tests seed is due.
var farNight = time.Date(2040, 1, 8, 3, 30, 0, 0, amsterdam)

// column is one column of a table as information_schema describes it.
type column struct {
	name, dataType, columnType, extra string
	maxLen                            int64
	json                              bool // MariaDB's JSON: text with a json_valid check
}

// person is one data subject the rights tests seed: the e-mail address a
// request names them by, and a word every text column of their rows holds,
// which the other person's export must not.
type person struct {
	email, word string
	rows        map[string][]map[string]any // table -> rows seeded, column -> value
}

// seeder writes rows by the data map: one row of the subject table per
// person, and one row per link and person, whose link column holds the
// value of the row it links to; every other column gets a value no other
// row has, so that no row is anyone's by accident.
type seeder struct {
	s     *shop
	t     *testing.T
	n     int
	cols  map[string][]column
	pk    map[string]string
	fixed map[string]map[string]any // table -> column -> value, for the rules' where
}

func newSeeder(t *testing.T, s *shop, fixed map[string]map[string]any) *seeder {
	// Rows refer to stores, products and websites the test does not write.
	s.exec("SET SESSION foreign_key_checks = 0")
	// And Shopware's checks on the form of codes the test does not know.
	s.exec("SET SESSION check_constraint_checks = 0")
	return &seeder{s: s, t: t, n: 1000, cols: map[string][]column{}, pk: map[string]string{}, fixed: fixed}
}

func (sd *seeder) columns(table string) []column {
	if c, ok := sd.cols[table]; ok {
		return c
	}
	rows, err := sd.s.db.Query(`SELECT column_name, data_type, column_type, extra, COALESCE(character_maximum_length, 0)
		FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position`, table)
	if err != nil {
		sd.t.Fatal(err)
	}
	defer rows.Close()
	var cs []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.dataType, &c.columnType, &c.extra, &c.maxLen); err != nil {
			sd.t.Fatal(err)
		}
		cs = append(cs, c)
	}
	if len(cs) == 0 {
		sd.t.Fatalf("table %s has no columns: not in the schema", table)
	}
	checks := strings.Join(sd.s.strings(sd.t, `SELECT check_clause FROM information_schema.check_constraints
		WHERE constraint_schema = DATABASE() AND table_name = ?`, table), " ")
	for i := range cs {
		cs[i].json = strings.Contains(checks, "json_valid(`"+cs[i].name+"`)")
	}
	sd.cols[table] = cs
	pk := sd.s.strings(sd.t, `SELECT column_name FROM information_schema.key_column_usage
		WHERE table_schema = DATABASE() AND table_name = ? AND constraint_name = 'PRIMARY' ORDER BY ordinal_position`, table)
	if len(pk) > 0 {
		sd.pk[table] = pk[0]
	}
	return cs
}

var enumValue = regexp.MustCompile(`^(?:enum|set)\('((?:[^']|'')*)'`)

// value is a value for a column no other row of the test has.
func (sd *seeder) value(c column, word string) any {
	sd.n++
	n := sd.n
	switch c.dataType {
	case "tinyint", "bit":
		return 1
	case "smallint", "mediumint", "int", "bigint", "year":
		if c.dataType == "year" {
			return 2026
		}
		return n
	case "decimal", "float", "double":
		return 1
	case "date":
		return "2026-10-01"
	case "datetime", "timestamp":
		return "2026-10-01 10:00:00"
	case "time":
		return "10:00:00"
	case "binary", "varbinary":
		b, _ := hex.DecodeString(fmt.Sprintf("%032x", n))
		return b
	case "blob", "tinyblob", "mediumblob", "longblob":
		return []byte(word)
	}
	if c.json || c.dataType == "json" {
		return fmt.Sprintf(`{"n": "%s %d"}`, word, n)
	}
	if c.dataType == "enum" || c.dataType == "set" {
		if m := enumValue.FindStringSubmatch(c.columnType); m != nil {
			return strings.ReplaceAll(m[1], "''", "'")
		}
	}
	v := fmt.Sprintf("%s %d", word, n)
	if c.maxLen > 0 && c.maxLen <= 64 && int64(len(v)) < c.maxLen {
		// A short text is often a code of fixed length (Shopware checks
		// its deep-link codes' length): fill it.
		v = fmt.Sprintf("%s %0*d", word, int(c.maxLen)-len(word)-1, n)
	}
	if c.maxLen > 0 && int64(len(v)) > c.maxLen {
		v = v[len(v)-int(c.maxLen):]
	}
	return v
}

// insert writes one row of table: set's columns as given, the rest each
// a value of its own.
func (sd *seeder) insert(p *person, table string, set map[string]any) map[string]any {
	sd.t.Helper()
	row := map[string]any{}
	var names, marks []string
	var args []any
	for _, c := range sd.columns(table) {
		if strings.Contains(c.extra, "GENERATED") {
			continue
		}
		v, ok := set[strings.ToLower(c.name)]
		if !ok {
			v, ok = sd.fixed[table][c.name]
		}
		if !ok {
			v = sd.value(c, p.word)
		}
		row[strings.ToLower(c.name)] = v
		names = append(names, "`"+c.name+"`")
		marks = append(marks, "?")
		args = append(args, v)
	}
	sd.s.exec(fmt.Sprintf("INSERT INTO `%s` (%s) VALUES (%s)", table, strings.Join(names, ", "), strings.Join(marks, ", ")), args...)
	p.rows[table] = append(p.rows[table], row)
	return row
}

// links reads the links a test expects, one per line: "table.column to",
// or "table.column to.column" where the link is not to to's key; to is
// "" for the subject table.
func links(lines ...string) []sweeper.SubjectLink {
	var out []sweeper.SubjectLink
	for _, line := range lines {
		from, to, _ := strings.Cut(strings.TrimSpace(line), " ")
		l := sweeper.SubjectLink{}
		l.Table, l.Column, _ = strings.Cut(from, ".")
		l.To, l.ToColumn, _ = strings.Cut(strings.TrimSpace(to), ".")
		out = append(out, l)
	}
	return out
}

// seed writes a person's rows by the map m: the subject table's row, then
// a row per link once the table it links to has one.
func (sd *seeder) seed(m *sweeper.Subject, email, word string) *person {
	sd.t.Helper()
	p := &person{email: email, word: word, rows: map[string][]map[string]any{}}
	set := map[string]any{}
	for _, c := range m.Match {
		set[strings.ToLower(c)] = email
	}
	sd.insert(p, m.Table, set)
	done := make([]bool, len(m.Links))
	for progress := true; progress; {
		progress = false
		for i, l := range m.Links {
			to := l.To
			if to == "" || to == "-" {
				to = m.Table
			}
			if done[i] || len(p.rows[to]) == 0 {
				continue
			}
			toCol := l.ToColumn
			if toCol == "" {
				toCol = sd.pk[to]
				if to == m.Table && m.Key != "" {
					toCol = m.Key
				}
			}
			sd.insert(p, l.Table, map[string]any{strings.ToLower(l.Column): p.rows[to][0][strings.ToLower(toCol)]})
			done[i], progress = true, true
		}
	}
	for i, l := range m.Links {
		if !done[i] {
			sd.t.Fatalf("link %d (%s.%s) never reaches the subject table", i+1, l.Table, l.Column)
		}
	}
	return p
}

// mapComplete fails t for every error of check and every finding about
// the data map or keep_on_request but the known ones (substrings of their
// messages, which the preset's comment states); and for a known one check
// does not find, which the comment then states wrongly.
func (s *shop) mapComplete(t *testing.T, known []string) {
	t.Helper()
	seen := make([]bool, len(known))
	for _, f := range s.sw.Check(context.Background()) {
		if f.Severity != sweeper.SeverityError && !strings.HasPrefix(f.Message, "subject:") && !strings.Contains(f.Message, "keep_on_request") {
			continue
		}
		i := slices.IndexFunc(known, func(k string) bool { return strings.Contains(f.Message, k) })
		if i < 0 || f.Severity == sweeper.SeverityError {
			t.Errorf("check: %s", f)
			continue
		}
		seen[i] = true
	}
	for i, k := range known {
		if !seen[i] {
			t.Errorf("check finds nothing about %q, which the test expects", k)
		}
	}
}

// exportOf exports a person, as JSON per table.
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

// exportsExactly fails t unless the export of p has exactly the rows
// seeded for p: in every table seeded, as many, none with the other
// person's word; and no table the test does not seed.
func (s *shop) exportsExactly(t *testing.T, p, other *person) {
	t.Helper()
	ex, err := s.sw.Export(context.Background(), p.email)
	if err != nil {
		t.Fatalf("export %s: %v", p.email, err)
	}
	got := map[string]int{}
	for _, tb := range ex.Tables {
		got[tb.Name] = len(tb.Rows)
		if _, ok := p.rows[tb.Name]; !ok {
			t.Errorf("the map names %s, which the test's links do not: add them", tb.Name)
		}
		b, err := json.Marshal(tb.Rows)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), other.word) {
			t.Errorf("export of %s: %s holds %s's rows: %s", p.word, tb.Name, other.word, b)
		}
	}
	for tb, rows := range p.rows {
		if got[tb] != len(rows) {
			t.Errorf("export of %s: %d rows of %s, want the %d seeded", p.word, got[tb], tb, len(rows))
		}
	}
}

// holdThroughFarSweep holds one person, sweeps far ahead (a month earlier
// first, for the reminders) and fails t if the held person's export
// changed or the other's account is still there; then releases the hold.
func (s *shop) holdThroughFarSweep(t *testing.T, held, other *person) {
	ctx := context.Background()
	before := s.exportOf(t, held.email)
	if _, err := s.sw.Hold(ctx, sweeper.HoldOptions{Subject: held.email, Reason: "geschil"}); err != nil {
		t.Fatalf("hold: %v", err)
	}
	s.sw.Now = func() time.Time { return farNight }
	p, err := s.sw.Plan(ctx, sweeper.PlanOptions{AsOf: farNight})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	heldRows := 0
	for _, r := range p.Rules {
		heldRows += r.Held
	}
	if heldRows == 0 {
		t.Errorf("plan: no rule counts rows kept by the hold")
	}
	s.sweep(farNight.AddDate(0, -1, 0))
	s.sweep(farNight)
	after := s.exportOf(t, held.email)
	if len(after) != len(before) {
		t.Errorf("the held person's export has rows in %d tables after the sweep, %d before", len(after), len(before))
	}
	for tb, rows := range before {
		if after[tb] != rows {
			t.Errorf("%s of the held person changed in the sweep:\n got %s\nwant %s", tb, after[tb], rows)
		}
	}
	if _, err := s.sw.Export(ctx, other.email); !gone(err) {
		t.Errorf("the other person's account after the sweep: export says %v, want that nobody has the address", err)
	}
	if _, err := s.sw.Release(ctx, held.email); err != nil {
		t.Fatalf("release: %v", err)
	}
}

// eraseKeeps erases p and fails t unless exactly the rules named in kept
// keep rows, and each keeps every row of p in its table; unless a rule
// failed; unless the subject's row is gone.
func (s *shop) eraseKeeps(t *testing.T, p *person, kept ...string) *sweeper.SubjectErasure {
	t.Helper()
	er, err := s.sw.EraseSubject(context.Background(), sweeper.EraseSubjectOptions{Subject: p.email})
	if err != nil {
		t.Fatalf("erase --subject: %v", err)
	}
	var got []string
	for _, r := range er.Rules {
		if r.Err != nil {
			t.Errorf("erase --subject: rule %s: %v", r.Rule, r.Err)
		}
		if r.Kept {
			got = append(got, r.Rule)
			if len(r.KeptKeys) != len(p.rows[r.Table]) {
				t.Errorf("rule %s kept %d rows of %s, want the person's %d", r.Rule, len(r.KeptKeys), r.Table, len(p.rows[r.Table]))
			}
			if r.Basis == "" {
				t.Errorf("rule %s keeps rows without a basis", r.Rule)
			}
		}
	}
	if !slices.Equal(got, kept) {
		t.Errorf("rules that keep the person's rows:\n got %q\nwant %q", got, kept)
	}
	if _, err := s.sw.Export(context.Background(), p.email); !gone(err) {
		t.Errorf("the person after erase --subject: export says %v, want that nobody has the address", err)
	}
	return er
}

// rightsCase is what a preset's rights test expects of its map.
type rightsCase struct {
	preset, prefix string
	// links are every way the platform's tables hold a person's rows
	// (see links); the people are seeded by them, not by the preset's map.
	links []sweeper.SubjectLink
	// fixed are column values the rules' where needs (a customer's role).
	fixed map[string]map[string]any
	// kept are the rules that keep a person's rows on request, in order.
	kept []string
	// known are the warnings of check about the map that the preset's
	// comment states (see mapComplete).
	known []string
}

// rights runs the rights tests on a fresh shop of the preset: the map is
// complete, each person's export is exactly theirs, a hold keeps one
// person through a far sweep that takes the other, and an erasure of the
// held person, released, keeps what the legal duty keeps.
func rights(t *testing.T, c rightsCase) (*shop, *person, *person) {
	s := openShop(t, c.preset, c.prefix)
	if s.cfg.Subject == nil {
		t.Fatalf("the %s preset has no [subject] data map", c.preset)
	}
	want := *s.cfg.Subject
	want.Links = c.links
	sd := newSeeder(t, s, c.fixed)
	anna := sd.seed(&want, "anna@example.nl", "anna")
	bram := sd.seed(&want, "bram@example.nl", "bram")
	t.Run("map-complete", func(t *testing.T) { s.mapComplete(t, c.known) })
	t.Run("export", func(t *testing.T) {
		s.exportsExactly(t, anna, bram)
		s.exportsExactly(t, bram, anna)
	})
	t.Run("hold", func(t *testing.T) { s.holdThroughFarSweep(t, anna, bram) })
	t.Run("erase-subject", func(t *testing.T) { s.eraseKeeps(t, anna, c.kept...) })
	return s, anna, bram
}
