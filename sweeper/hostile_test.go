package sweeper_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sweeperd/sweeper/sweeper"
)

// Hostile row content: keys that are SQL in disguise, quotes, backticks,
// LIKE wildcards, placeholders, NUL bytes, emoji, and values that are huge,
// binary-ish or NULL. The sweeper binds every value and quotes every
// identifier, so each of them must reach exactly its own row, and its audit
// record must carry the key byte for byte.

// hosKey is a key string; nul marks those PostgreSQL cannot store (its
// text types refuse the NUL byte).
type hosKey struct {
	k   string
	nul bool
}

// hosDueKeys are the keys of rows that are due. Each is at most 100
// characters.
var hosDueKeys = []hosKey{
	{k: `x'; DROP TABLE hostile; --`},
	{k: "back`tick`; DELETE FROM hostile; #"},
	{k: `100%_match`},
	{k: `semi;colon "double" 'single'`},
	{k: `007`},
	{k: "emoji 😀 key"},
	{k: `back\slash\' \" \\`},
	{k: `?`},
	{k: `$1 @p1 :name %s`},
	{k: "trailing space "},
	{k: "line\nbreak\ttab\r"},
	{k: strings.Repeat("😀", 100)},
	{k: "nul\x00key", nul: true},
}

// hosKeptKeys are the keys of rows that are not due. Some would match a due
// key if a key were compared with LIKE, as a number, or cut at a quote.
var hosKeptKeys = []hosKey{
	{k: `7`},
	{k: `%`},
	{k: `_`},
	{k: `x`},
	{k: `x'; DROP TABLE hostile; -- recent`},
	{k: `100`},
	{k: "nul", nul: true},
}

func hosKeys(f *fixture, keys []hosKey) []string {
	var out []string
	for _, k := range keys {
		if k.nul && f.dialect == dbPostgres {
			continue
		}
		out = append(out, k.k)
	}
	return out
}

// hosInsert inserts rows with bound values, in the dialect's placeholders.
// The SQL text holds no value; suffix is appended to each tuple as is.
func hosInsert(f *fixture, table string, cols []string, suffix string, rows ...[]any) {
	f.t.Helper()
	for _, r := range rows {
		ph := make([]string, len(r))
		for i := range r {
			ph[i] = "?"
			if f.dialect == dbPostgres {
				ph[i] = fmt.Sprintf("$%d", i+1)
			}
		}
		q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s%s)", table, strings.Join(cols, ", "), strings.Join(ph, ", "), suffix)
		if _, err := f.raw.Exec(q, r...); err != nil {
			f.t.Fatalf("insert into %s %q: %v", table, r, err)
		}
	}
}

// hosStrings reads every row of a query as strings, NULL as nil, keyed by
// the first column.
func hosStrings(f *fixture, query string) map[string][]*string {
	f.t.Helper()
	rows, err := f.raw.Query(query)
	if err != nil {
		f.t.Fatalf("query %q: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out := map[string][]*string{}
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			f.t.Fatal(err)
		}
		row := make([]*string, len(cols)-1)
		for i, v := range vals[1:] {
			if v.Valid {
				s := v.String
				row[i] = &s
			}
		}
		if _, dup := out[vals[0].String]; dup {
			f.t.Fatalf("query %q: key %q twice", query, vals[0].String)
		}
		out[vals[0].String] = row
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	return out
}

// hosAudit returns the audit records as "table action key" strings, sorted.
func hosAudit(f *fixture) []string {
	var out []string
	for _, r := range engAudit(f, "") {
		out = append(out, r.Table+" "+r.Action+" "+r.RowKey)
	}
	sort.Strings(out)
	return out
}

func hosWantAudit(table, action string, keys ...string) []string {
	var out []string
	for _, k := range keys {
		out = append(out, table+" "+action+" "+k)
	}
	return out
}

func sp(s string) *string { return &s }

func hosShow(v *string) string {
	if v == nil {
		return "NULL"
	}
	if len(*v) > 80 {
		return fmt.Sprintf("%q... (%d bytes)", (*v)[:80], len(*v))
	}
	return fmt.Sprintf("%q", *v)
}

// hosHash is what README promises the hash strategy writes: "hmac:" and the
// hex HMAC-SHA256 of the value under sweeper.hash_key.
func hosHash(key, v string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(v))
	return "hmac:" + hex.EncodeToString(m.Sum(nil))
}

func hosCompare(t *testing.T, what string, cols []string, got, want map[string][]*string) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s %q: gone, want it kept", what, k)
			continue
		}
		for i := range w {
			if (g[i] == nil) != (w[i] == nil) || g[i] != nil && *g[i] != *w[i] {
				t.Errorf("%s %q: %s got %s, want %s", what, k, cols[i], hosShow(g[i]), hosShow(w[i]))
			}
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s %q: present, want it gone", what, k)
		}
	}
}

func hosSameStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if strings.Join(got, "\x01") != strings.Join(want, "\x01") {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// TestHostile_Anonymise anonymises rows with hostile keys and values with
// every strategy: exactly the due rows change, each column to its target
// (a NULL stays NULL), the rows that are not due stay byte for byte, and
// each changed row has one audit record whose row_key is its key exactly.
// A second sweep changes nothing.
func TestHostile_Anonymise(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		f.exec(`CREATE TABLE hostile (k VARCHAR(100) NOT NULL PRIMARY KEY, name VARCHAR(100) NULL, email VARCHAR(191) NULL,
				phone VARCHAR(30) NULL, note TEXT NULL, blurb TEXT NULL, created_at DATETIME NOT NULL)`,
			`CREATE UNIQUE INDEX hostile_email ON hostile (email)`)
		pg := f.dialect == dbPostgres
		cols := []string{"name", "email", "phone", "note", "blurb"}
		// A long note: 60,000 characters (60,009 bytes), with emoji, quotes and, where the
		// database can hold one, a NUL byte; under MySQL's 65,535-byte TEXT.
		long := "😀'\"`;--" + strings.Repeat("Lorem ipsum dolor sit amet, ", 2200)[:59991] + "😀😀"
		if !pg {
			long = long[:1000] + "\x00" + long[1001:]
		}
		want := map[string][]*string{}
		// insert adds a row created at created; with anonymised, the sweep must
		// anonymise it, else leave it as it is.
		insert := func(k, created string, anonymised bool, vals ...*string) {
			args := []any{k}
			for _, v := range vals {
				if v == nil {
					args = append(args, nil)
				} else {
					args = append(args, *v)
				}
			}
			hosInsert(f, "hostile", []string{"k", "name", "email", "phone", "note", "blurb", "created_at"}, ", '"+created+"'", args)
			if !anonymised {
				want[k] = vals
				return
			}
			w := make([]*string, len(vals))
			if vals[0] != nil {
				w[0] = sp(hosHash(f.cfg.Sweeper.HashKey, *vals[0]))
			}
			if vals[1] != nil {
				w[1] = sp("deleted-" + k + "@invalid.invalid")
			}
			// vals[2], the phone: null
			if vals[3] != nil {
				w[3] = sp(f.cfg.Sweeper.RedactText)
			}
			if vals[4] != nil {
				w[4] = sp("")
			}
			want[k] = w
		}
		const old, recent = "2015-03-01 12:00:00", "2026-11-01 12:00:00"
		nul := "\x00"
		if pg {
			nul = ""
		}
		for i, k := range hosKeys(f, hosDueKeys) {
			insert(k, old, true, sp(fmt.Sprintf("Zoë O'Brien %d `; DROP TABLE x; -- 😀%s", i, nul)),
				sp(fmt.Sprintf("o'brien+%d@example.invalid", i)), sp("+31 6 1234"+nul+"5678"),
				sp(long), sp("'; DROP TABLE hostile; --"))
		}
		for i, k := range hosKeys(f, hosKeptKeys) {
			insert(k, recent, false, sp(fmt.Sprintf("Kees %d 😀", i)), sp(fmt.Sprintf("kees+%d@example.invalid", i)),
				sp("0612345678"), sp(long), sp("blijft"))
		}
		// Old, but NULL in every nullable column: nothing to hide, so not
		// due, not touched, not audited.
		insert("all NULL; --", old, false, nil, nil, nil, nil, nil)
		// Some NULL: those stay NULL, the others are anonymised.
		insert("some NULL; --", old, true, nil, sp("some@example.invalid"), nil, nil, sp("x"))

		f.rule(sweeper.Rule{Name: "hostile-6m", Table: "hostile", AgeColumns: []string{"created_at"}, OlderThan: months(6),
			Action: sweeper.ActionAnonymise, BatchSize: 4, Anonymise: []sweeper.ColumnStrategy{
				{Column: "blurb", Strategy: sweeper.StrategyEmpty},
				{Column: "email", Strategy: sweeper.StrategyEmail},
				{Column: "name", Strategy: sweeper.StrategyHash},
				{Column: "note", Strategy: sweeper.StrategyRedact},
				{Column: "phone", Strategy: sweeper.StrategyNull},
			}})
		rep, err := engSweep(f, relAsOf, sweeper.SweepOptions{})
		if err != nil {
			t.Fatalf("sweep: %v", err)
		}
		due := append(hosKeys(f, hosDueKeys), "some NULL; --")
		if got := engRule(t, rep, "hostile-6m").Rows; got != len(due) {
			t.Errorf("rows: got %d, want %d", got, len(due))
		}
		got := hosStrings(f, `SELECT k, name, email, phone, note, blurb FROM hostile`)
		hosCompare(t, "row", cols, got, want)
		hosSameStrings(t, "audit records", hosAudit(f), hosWantAudit("hostile", "anonymise", due...))

		// Idempotent with hostile content too.
		rep = f.sweep(relAsOf, sweeper.SweepOptions{})
		if got := engRule(t, rep, "hostile-6m").Rows; got != 0 {
			t.Errorf("second sweep: got %d rows, want 0", got)
		}
		if again := engAudit(f, rep.RunID); len(again) != 0 {
			var keys []string
			for _, r := range again {
				keys = append(keys, fmt.Sprintf("%s %q", r.Action, r.RowKey))
			}
			t.Errorf("second sweep: %d new audit records, want 0: %s", len(again), strings.Join(keys, ", "))
		}
		hosCompare(t, "row after the second sweep", cols, hosStrings(f, `SELECT k, name, email, phone, note, blurb FROM hostile`), want)
	})
}

// TestHostile_DeleteWithRelated deletes accounts with hostile keys together
// with their related rows, which have hostile keys and foreign keys of their
// own: notes are deleted, tickets detached, preferences anonymised. The
// accounts that are not due keep every row; each touched row has one audit
// record with its key exactly.
func TestHostile_DeleteWithRelated(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		f.exec(`CREATE TABLE accounts (k VARCHAR(100) NOT NULL PRIMARY KEY, created_at DATETIME NOT NULL)`,
			`CREATE TABLE notes (nk VARCHAR(120) NOT NULL PRIMARY KEY, account_k VARCHAR(100) NOT NULL, body TEXT NULL)`,
			`CREATE INDEX notes_account ON notes (account_k)`,
			`CREATE TABLE tickets (tk VARCHAR(120) NOT NULL PRIMARY KEY, account_k VARCHAR(100) NULL, subject TEXT NULL)`,
			`CREATE INDEX tickets_account ON tickets (account_k)`,
			`CREATE TABLE prefs (pk VARCHAR(120) NOT NULL PRIMARY KEY, account_k VARCHAR(100) NOT NULL, email VARCHAR(191) NULL,
				label TEXT NULL, token VARCHAR(100) NULL)`,
			`CREATE INDEX prefs_account ON prefs (account_k)`)
		pg := f.dialect == dbPostgres
		nul := "\x00"
		if pg {
			nul = ""
		}
		dueKeys, keptKeys := hosKeys(f, hosDueKeys), hosKeys(f, hosKeptKeys)
		wantNotes, wantTickets, wantPrefs := map[string][]*string{}, map[string][]*string{}, map[string][]*string{}
		var auditWant []string
		for _, due := range []bool{true, false} {
			keys, created := dueKeys, ", '2015-03-01 12:00:00'"
			if !due {
				keys, created = keptKeys, ", '2026-11-01 12:00:00'"
			}
			for i, k := range keys {
				hosInsert(f, "accounts", []string{"k", "created_at"}, created, []any{k})
				n1, n2, tk, pk := k+"#n1", k+"'n2", k+"`t1", k+";p1"
				body := fmt.Sprintf("notitie %d: '; DROP TABLE notes; -- 😀%s", i, nul)
				hosInsert(f, "notes", []string{"nk", "account_k", "body"}, "", []any{n1, k, body}, []any{n2, k, nil})
				hosInsert(f, "tickets", []string{"tk", "account_k", "subject"}, "", []any{tk, k, "klacht 😀 " + k})
				email, label, token := fmt.Sprintf("pref+%d.%t@example.invalid", i, due), "label "+k, "token"+nul+k
				hosInsert(f, "prefs", []string{"pk", "account_k", "email", "label", "token"}, "", []any{pk, k, email, label, nil})
				if i%2 == 0 {
					// Half of them with a token, so the hash meets NULL and a value.
					if _, err := f.raw.Exec(map[bool]string{true: `UPDATE prefs SET token = $1 WHERE pk = $2`,
						false: `UPDATE prefs SET token = ? WHERE pk = ?`}[pg], token, pk); err != nil {
						t.Fatal(err)
					}
				}
				var tok *string
				if i%2 == 0 {
					tok = sp(token)
				}
				if !due {
					wantNotes[n1], wantNotes[n2] = []*string{sp(k), sp(body)}, []*string{sp(k), nil}
					wantTickets[tk] = []*string{sp(k), sp("klacht 😀 " + k)}
					wantPrefs[pk] = []*string{sp(k), sp(email), sp(label), tok}
					continue
				}
				wantTickets[tk] = []*string{nil, sp("klacht 😀 " + k)}
				var htok *string
				if tok != nil {
					htok = sp(hosHash(f.cfg.Sweeper.HashKey, *tok))
				}
				wantPrefs[pk] = []*string{sp(k), sp("deleted-" + pk + "@invalid.invalid"), sp(f.cfg.Sweeper.RedactText), htok}
				auditWant = append(auditWant, "accounts delete "+k, "notes delete "+n1, "notes delete "+n2,
					"tickets detach "+tk, "prefs anonymise "+pk)
			}
		}
		f.rule(sweeper.Rule{Name: "account-5y", Table: "accounts", AgeColumns: []string{"created_at"}, OlderThan: years(5),
			Action: sweeper.ActionDelete, BatchSize: 3, Related: []sweeper.Related{
				{Table: "notes", ForeignKey: []string{"account_k"}, Action: sweeper.ActionDelete},
				{Table: "tickets", ForeignKey: []string{"account_k"}, Action: sweeper.ActionDetach},
				{Table: "prefs", ForeignKey: []string{"account_k"}, Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{
					{Column: "email", Strategy: sweeper.StrategyEmail},
					{Column: "label", Strategy: sweeper.StrategyRedact},
					{Column: "token", Strategy: sweeper.StrategyHash},
				}},
			}})
		rep, err := engSweep(f, relAsOf, sweeper.SweepOptions{})
		if err != nil {
			t.Fatalf("sweep: %v", err)
		}
		if got := engRule(t, rep, "account-5y").Rows; got != len(dueKeys) {
			t.Errorf("rows: got %d, want %d", got, len(dueKeys))
		}
		accounts := hosStrings(f, `SELECT k FROM accounts`)
		wantAccounts := map[string][]*string{}
		for _, k := range keptKeys {
			wantAccounts[k] = []*string{}
		}
		hosCompare(t, "account", nil, accounts, wantAccounts)
		hosCompare(t, "note", []string{"account_k", "body"}, hosStrings(f, `SELECT nk, account_k, body FROM notes`), wantNotes)
		hosCompare(t, "ticket", []string{"account_k", "subject"}, hosStrings(f, `SELECT tk, account_k, subject FROM tickets`), wantTickets)
		hosCompare(t, "pref", []string{"account_k", "email", "label", "token"},
			hosStrings(f, `SELECT pk, account_k, email, label, token FROM prefs`), wantPrefs)
		hosSameStrings(t, "audit records", hosAudit(f), auditWant)
	})
}

// hosStoredKey is how the engine documents (sweeper.keyString) it writes a
// key longer than the 191 characters of its tables' row_key: the first 170
// characters, "~" and 20 hex digits of the key's SHA-256, so that it fits,
// stays unique and can be found. Shorter keys are written as they are.
func hosStoredKey(k string) string {
	if utf8.RuneCountInString(k) <= 191 {
		return k
	}
	sum := sha256.Sum256([]byte(k))
	return string([]rune(k)[:170]) + "~" + hex.EncodeToString(sum[:])[:20]
}

// TestHostile_LongKey deletes rows whose keys are long strings, up to 250
// characters of a VARCHAR(255) key, in ASCII and in 4-byte characters,
// around the 191 characters the audit table's row_key holds. Each row is
// deleted; a key that fits is audited exactly, a longer one in the
// engine's abbreviated form, and two long keys that differ only at their
// end get different records.
func TestHostile_LongKey(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		f.exec(`CREATE TABLE sessions (k VARCHAR(255) NOT NULL PRIMARY KEY, created_at DATETIME NOT NULL)`)
		long := []string{
			strings.Repeat("k", 250), strings.Repeat("k", 249) + "j", strings.Repeat("😀", 250),
			strings.Repeat("x", 191), strings.Repeat("y", 192), strings.Repeat("z", 190) + "'; --",
		}
		for _, k := range long {
			hosInsert(f, "sessions", []string{"k", "created_at"}, ", '2015-03-01 12:00:00'", []any{k})
		}
		hosInsert(f, "sessions", []string{"k", "created_at"}, ", '2015-03-01 12:00:00'", []any{"short"})
		kept := strings.Repeat("k", 248)
		hosInsert(f, "sessions", []string{"k", "created_at"}, ", '2026-11-01 12:00:00'", []any{kept})
		f.rule(sweeper.Rule{Name: "session-1y", Table: "sessions", AgeColumns: []string{"created_at"}, OlderThan: years(1),
			Action: sweeper.ActionDelete, BatchSize: 2})
		rep, err := engSweep(f, relAsOf, sweeper.SweepOptions{})
		if err != nil {
			t.Fatalf("sweep: %v", err)
		}
		if got := engRule(t, rep, "session-1y").Rows; got != len(long)+1 {
			t.Errorf("rows: got %d, want %d", got, len(long)+1)
		}
		got := hosStrings(f, `SELECT k, created_at FROM sessions`)
		if _, ok := got[kept]; len(got) != 1 || !ok {
			t.Errorf("rows left: got %d, want only the recent one", len(got))
		}
		var want []string
		for _, k := range append(long, "short") {
			want = append(want, "sessions delete "+hosStoredKey(k))
		}
		hosSameStrings(t, "audit records", hosAudit(f), want)
		if a, b := hosStoredKey(long[0]), hosStoredKey(long[1]); a == b {
			t.Errorf("two keys that differ in their last character are audited alike: %q", a)
		}
	})
}
