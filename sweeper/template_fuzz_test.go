package sweeper

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func FuzzLoadTemplate(f *testing.F) {
	for _, p := range []string{
		"../templates/account-reminder.nl.txt",
		"../templates/account-reminder.en.txt",
	} {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	for _, s := range []string{
		"",
		"Subject:",
		"Subject: x",
		"Subject: x\n",
		"Subject: x\n\n",
		"Subject: x\nbody\n",
		"subject: x\r\n\r\nbody",
		"Subject: {{.Rule}\n\nbody",
		"Subject: {{.Row.a}}\n\n{{.Row.b}}",
		"Subject: {{\"a\\nb\"}}\n\nbody",
		"Subject: x\n\n{{if}}",
		"Subject: x\n\n{{template \"x\"}}",
		"Subject: x\n\n{{define \"x\"}}{{template \"x\"}}{{end}}{{template \"x\"}}",
		"Subject: x\n\n{{dutchDate .Rule}}",
		"Subject: x\n\n{{.DeleteOn.Format \"2006\"}} {{dutchDate .DeleteOn}}",
		"Subject: x\n\n{{/* comment */}}",
		"Subject: {{/*\n\n*/}}\n\nx",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src string) {
		path := filepath.Join(dir, "t.txt")
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		tm, err := LoadTemplate(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		subject, _, err := tm.Render(ReminderData{
			DeleteOn: time.Date(2026, time.December, 22, 0, 0, 0, 0, time.UTC),
			Rule:     "fuzz",
			Row:      map[string]any{"a": "x", "first_name": "Anna"},
		})
		if err != nil {
			return
		}
		if subject == "" || strings.ContainsAny(subject, "\r\n") {
			t.Errorf("Render returned the subject %q without an error", subject)
		}
		_ = tm.Check([]string{"a"})
	})
}
