package sweeper

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmplShipped are the templates shipped in the repository's templates/.
var tmplShipped = []string{
	"../templates/account-reminder.nl.txt",
	"../templates/account-reminder.en.txt",
}

// tmplWrite writes src to a template file in a fresh directory and returns its path.
func tmplWrite(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "reminder.txt")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func tmplAmsterdam(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestTemplate_Shipped(t *testing.T) {
	deleteOn := time.Date(2026, time.December, 22, 0, 0, 0, 0, tmplAmsterdam(t))
	for _, path := range tmplShipped {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tm, err := LoadTemplate(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := tm.Check([]string{"first_name"}); err != nil {
				t.Fatalf("Check: %v", err)
			}
			subject, body, err := tm.Render(ReminderData{
				DeleteOn: deleteOn,
				Rule:     "account-idle-5y",
				Row:      map[string]any{"first_name": "Anna"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if subject == "" || strings.ContainsAny(subject, "\r\n") || strings.HasPrefix(subject, "Subject") {
				t.Errorf("subject = %q", subject)
			}
			if !strings.Contains(body, "Anna") {
				t.Errorf("body does not greet the customer by name:\n%s", body)
			}
			want := "22 December 2026"
			if strings.HasSuffix(path, ".nl.txt") {
				want = "22 december 2026"
			}
			if !strings.Contains(body, want) {
				t.Errorf("body does not state the date %q:\n%s", want, body)
			}
			if strings.Contains(body, "no value") || strings.Contains(body, "{{") {
				t.Errorf("body has template leftovers:\n%s", body)
			}

			// A NULL first name falls back to a general greeting.
			_, body, err = tm.Render(ReminderData{DeleteOn: deleteOn, Rule: "r", Row: map[string]any{"first_name": nil}})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(body, "klant") && !strings.Contains(body, "customer") {
				t.Errorf("body without a name lacks the general greeting:\n%s", body)
			}
		})
	}
}

func TestDutchDate(t *testing.T) {
	months := []string{
		"januari", "februari", "maart", "april", "mei", "juni",
		"juli", "augustus", "september", "oktober", "november", "december",
	}
	for i, name := range months {
		d := time.Date(2026, time.Month(i+1), 3, 12, 0, 0, 0, time.UTC)
		if got, want := DutchDate(d), "3 "+name+" 2026"; got != want {
			t.Errorf("DutchDate(%v) = %q, want %q", d, got, want)
		}
	}
	if got := DutchDate(time.Date(2026, time.December, 22, 0, 0, 0, 0, time.UTC)); got != "22 december 2026" {
		t.Errorf("DutchDate = %q", got)
	}
}

// TestDutchDate_Location: the date is the one in the time's own location,
// not in UTC or the machine's zone.
func TestDutchDate_Location(t *testing.T) {
	ams := tmplAmsterdam(t)
	// Midnight in Amsterdam is still the previous day in UTC.
	d := time.Date(2027, time.January, 1, 0, 0, 0, 0, ams)
	if got := DutchDate(d); got != "1 januari 2027" {
		t.Errorf("DutchDate(%v) = %q, want 1 januari 2027", d, got)
	}
	if got := DutchDate(d.UTC()); got != "31 december 2026" {
		t.Errorf("DutchDate(%v) = %q, want 31 december 2026", d.UTC(), got)
	}
}

func TestTemplate_DutchDateFunc(t *testing.T) {
	tm, err := LoadTemplate(tmplWrite(t, "Subject: Op {{dutchDate .DeleteOn}}\n\nVanaf {{dutchDate .DeleteOn}} ({{.Rule}}).\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := time.Date(2026, time.March, 1, 0, 0, 0, 0, tmplAmsterdam(t))
	subject, body, err := tm.Render(ReminderData{DeleteOn: d, Rule: "r1", Row: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Op 1 maart 2026" {
		t.Errorf("subject = %q", subject)
	}
	if body != "Vanaf 1 maart 2026 (r1).\n" {
		t.Errorf("body = %q", body)
	}
}

func TestTemplate_CRLF(t *testing.T) {
	tm, err := LoadTemplate(tmplWrite(t, "\ufeffSubject: Hallo {{.Rule}}\r\n\r\nRegel 1\r\nRegel 2\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	subject, body, err := tm.Render(ReminderData{Rule: "x", Row: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Hallo x" || body != "Regel 1\nRegel 2\n" {
		t.Errorf("subject = %q, body = %q", subject, body)
	}
}

func TestLoadTemplate_Errors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // substrings of the error
	}{
		{"no subject", "Beste klant,\n\nUw account wordt verwijderd.\n", []string{"line 1", "Subject"}},
		{"empty file", "", []string{"line 1", "Subject"}},
		{"empty subject", "Subject:   \n\nbody\n", []string{"line 1", "Subject is empty"}},
		{"no blank line", "Subject: Hallo\nBeste klant,\n", []string{"line 2", "blank"}},
		{"only subject", "Subject: Hallo", []string{"line 2", "blank"}},
		{"empty body", "Subject: Hallo\n\n  \n", []string{"body", "empty"}},
		{"body syntax", "Subject: Hallo\n\nBeste klant,\n\nVanaf {{dutchDate .DeleteOn}\n", []string{":5:"}},
		{"unknown function", "Subject: Hallo\n\nregel 3\n{{nlDate .DeleteOn}}\n", []string{":4:", "nlDate"}},
		{"unclosed if", "Subject: Hallo\n\n{{if .Rule}}ja\n", []string{"unexpected EOF"}},
		{"subject syntax", "Subject: Hallo {{.Rule\n\nbody\n", []string{":1:"}},
		{"not utf-8", "Subject: Hallo\n\n\xff\xfe\n", []string{"UTF-8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tmplWrite(t, tc.src)
			_, err := LoadTemplate(path)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, path) {
				t.Errorf("error does not name the file %s: %v", path, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error does not say %q: %v", w, err)
				}
			}
		})
	}
}

func TestLoadTemplate_NotAFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadTemplate(filepath.Join(dir, "missing.txt")); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing file: err = %v", err)
	}
	if _, err := LoadTemplate(dir); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("directory: err = %v", err)
	}
}

func TestTemplate_CheckUnknownRow(t *testing.T) {
	path := tmplWrite(t, "Subject: Hallo\n\nBeste {{.Row.frist_name}},\n")
	tm, err := LoadTemplate(path)
	if err != nil {
		t.Fatal(err)
	}
	err = tm.Check([]string{"first_name"})
	if err == nil {
		t.Fatal("Check accepted a column that is not listed")
	}
	for _, w := range []string{path, "frist_name", ":3:"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not say %q: %v", w, err)
		}
	}
	if err := tm.Check([]string{"frist_name"}); err != nil {
		t.Errorf("Check with the column listed: %v", err)
	}
}

func TestTemplate_CheckBadCall(t *testing.T) {
	path := tmplWrite(t, "Subject: Hallo\n\nVanaf {{dutchDate .Rule}}.\n")
	tm, err := LoadTemplate(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := tm.Check(nil); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), ":3:") {
		t.Errorf("Check: err = %v", err)
	}
}

func TestTemplate_SubjectOneLine(t *testing.T) {
	path := tmplWrite(t, "Subject: Hallo {{.Row.name}}\n\nbody\n")
	tm, err := LoadTemplate(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Anna\nBcc: someone@example.org", "Anna\r\nX: y", "Anna\rX: y"} {
		_, _, err := tm.Render(ReminderData{Row: map[string]any{"name": name}})
		if err == nil || !strings.Contains(err.Error(), "more than one line") || !strings.Contains(err.Error(), path) {
			t.Errorf("Render with %q: err = %v", name, err)
		}
	}
	// Surrounding whitespace is trimmed, not refused.
	subject, _, err := tm.Render(ReminderData{Row: map[string]any{"name": "Anna \n"}})
	if err != nil || subject != "Hallo Anna" {
		t.Errorf("subject = %q, err = %v", subject, err)
	}
	// A subject made of two lines by the template itself is refused by Check.
	path = tmplWrite(t, "Subject: Hallo{{\"\\n\"}}Bcc: x@example.org\n\nbody\n")
	tm, err = LoadTemplate(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := tm.Check(nil); err == nil || !strings.Contains(err.Error(), "more than one line") {
		t.Errorf("Check: err = %v", err)
	}
}

func TestTemplate_SubjectEmpty(t *testing.T) {
	tm, err := LoadTemplate(tmplWrite(t, "Subject: {{.Row.x}}\n\nbody\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := tm.Render(ReminderData{Row: map[string]any{"x": " "}}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("err = %v", err)
	}
}

func TestTemplate_RenderTooLarge(t *testing.T) {
	tm, err := LoadTemplate(tmplWrite(t, "Subject: x\n\n{{range 10000000}}0123456789{{end}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := tm.Render(ReminderData{Row: map[string]any{}}); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("err = %v", err)
	}
}
