package sweeper

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"
)

// maxTemplateSize bounds what LoadTemplate reads: a reminder template is a
// page of text, and a path that points at something huge is a mistake.
const maxTemplateSize = 1 << 20

// maxRenderedSize bounds a rendered subject or body, so that a runaway
// template ({{range}} over a large number) fails instead of filling memory.
const maxRenderedSize = 1 << 20

// Template is a parsed reminder mail template (docs/contract.md §3.5): a Go
// text/template file whose first line is "Subject: …", then a blank line,
// then the body. It is safe for concurrent use.
type Template struct {
	path    string
	subject *template.Template
	body    *template.Template
}

// LoadTemplate reads and parses the reminder template at path. Errors name
// the file and what is wrong with it; template syntax errors carry the line
// number in the file.
func LoadTemplate(path string) (*Template, error) {
	// Stat before opening: opening a FIFO or a device could block.
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reminder template: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("reminder template %s: not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reminder template: %w", err)
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, maxTemplateSize+1))
	if err != nil {
		return nil, fmt.Errorf("reminder template: %w", err)
	}
	if len(src) > maxTemplateSize {
		return nil, fmt.Errorf("reminder template %s: larger than %d bytes", path, maxTemplateSize)
	}
	t, err := parseTemplate(filepath.Base(path), string(src))
	if err != nil {
		return nil, fmt.Errorf("reminder template %s: %w", path, err)
	}
	t.path = path
	return t, nil
}

// parseTemplate parses the text of a template file; name is used in the
// template engine's own error messages.
func parseTemplate(name, src string) (*Template, error) {
	if !utf8.ValidString(src) {
		return nil, errors.New("not valid UTF-8")
	}
	// Editors add a byte order mark or CRLF line ends; neither is meant as
	// content, and a stray CR would end up in the subject.
	src = strings.TrimPrefix(src, "\ufeff")
	src = strings.ReplaceAll(src, "\r\n", "\n")

	first, rest, ok := strings.Cut(src, "\n")
	const prefix = "Subject:"
	if len(first) < len(prefix) || !strings.EqualFold(first[:len(prefix)], prefix) {
		return nil, fmt.Errorf("line 1 must be the subject line \"Subject: …\", found %s", quoteStart(first))
	}
	if strings.TrimSpace(first[len(prefix):]) == "" {
		return nil, errors.New("line 1: the Subject is empty")
	}
	if !ok {
		return nil, errors.New("line 2 must be blank, then the body follows: the file ends after the Subject line")
	}
	second, body, _ := strings.Cut(rest, "\n")
	if strings.TrimSpace(second) != "" {
		return nil, fmt.Errorf("line 2 must be blank (it separates the Subject from the body), found %s", quoteStart(second))
	}
	if strings.TrimSpace(body) == "" {
		return nil, errors.New("the body (from line 3) is empty")
	}

	// The comments stand in for what precedes each part in the file, so
	// that the line (and, on line 1, the column) numbers in parse and
	// execution errors are those of the file. "{{/**/}}" is exactly as long
	// as "Subject:"; the body's comment spans the first two lines.
	subject, err := newTemplate(name).Parse("{{/**/}}" + first[len(prefix):])
	if err != nil {
		return nil, err
	}
	bodyT, err := newTemplate(name).Parse("{{/*\n\n*/}}" + body)
	if err != nil {
		return nil, err
	}
	return &Template{subject: subject, body: bodyT}, nil
}

// newTemplate returns an empty template with the options and functions
// every reminder template gets. missingkey=error makes a misspelt
// .Row.column an error instead of a silent "<no value>" in a customer's mail.
func newTemplate(name string) *template.Template {
	return template.New(name).
		Option("missingkey=error").
		Funcs(template.FuncMap{"dutchDate": DutchDate})
}

// quoteStart quotes the start of a line for an error message.
func quoteStart(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		return strconv.Quote(string(r[:max])) + "…"
	}
	return strconv.Quote(s)
}

// Path is the file the template was loaded from.
func (t *Template) Path() string { return t.path }

// Render executes the template for one reminder. The subject is trimmed and
// must be one line: a value that renders a line break into it could add
// mail headers, so that is an error rather than something to clean up.
func (t *Template) Render(d ReminderData) (subject, body string, err error) {
	subject, err = execute(t.subject, d)
	if err != nil {
		return "", "", fmt.Errorf("reminder template %s: subject: %w", t.path, err)
	}
	subject = strings.TrimSpace(subject)
	if strings.ContainsAny(subject, "\r\n") {
		return "", "", fmt.Errorf("reminder template %s: the subject renders to more than one line", t.path)
	}
	if subject == "" {
		return "", "", fmt.Errorf("reminder template %s: the subject renders empty", t.path)
	}
	body, err = execute(t.body, d)
	if err != nil {
		return "", "", fmt.Errorf("reminder template %s: body: %w", t.path, err)
	}
	return subject, body, nil
}

func execute(t *template.Template, d ReminderData) (string, error) {
	var buf bytes.Buffer
	if err := t.Execute(&limitWriter{w: &buf, n: maxRenderedSize}, d); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// limitWriter fails once more than n bytes have been written; text/template
// stops executing at the first write error.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if len(p) > l.n {
		return 0, fmt.Errorf("renders to more than %d bytes", maxRenderedSize)
	}
	l.n -= len(p)
	return l.w.Write(p)
}

// Check renders the template with sample data — every listed column set to
// a sample string — so that a misspelt column ({{.Row.frist_name}} when
// only first_name is listed) or a bad function call is found by
// `sweeper check` rather than by the first run at night.
func (t *Template) Check(columns []string) error {
	row := make(map[string]any, len(columns))
	for _, c := range columns {
		row[c] = "Voorbeeld"
	}
	deleteOn := time.Date(2026, time.December, 22, 0, 0, 0, 0, time.UTC)
	_, _, err := t.Render(ReminderData{DeleteOn: deleteOn, Rule: "check", Row: row})
	return err
}

// LoadTemplates loads the reminder template of every rule (disabled ones
// too: `sweep --rule` may name them) and renders it with a sample row, so
// that a broken template is a config error when a command loads the config
// for work, not a failed run when the first reminder is due at night. The
// runs then mail with the templates loaded here: what was checked is what
// is sent, and an edited file takes effect when the config is loaded again.
// The error is a *ConfigError naming every broken template.
func (s *Sweeper) LoadTemplates() error {
	var problems []string
	loaded := map[string]*Template{}
	for _, r := range s.Config.Rules {
		if r.Reminder == nil {
			continue
		}
		t, err := loadReminderTemplate(r.Reminder)
		if err != nil {
			problems = append(problems, fmt.Sprintf("rule %q: %v", r.Name, err))
			continue
		}
		loaded[r.Name] = t
	}
	if len(problems) > 0 {
		return &ConfigError{Path: s.Config.Path, Problems: problems}
	}
	s.templates = loaded
	return nil
}

// loadReminderTemplate loads a reminder's template and renders it with a
// sample row of the reminder's columns.
func loadReminderTemplate(rem *Reminder) (*Template, error) {
	t, err := LoadTemplate(rem.Template)
	if err != nil {
		return nil, err
	}
	if err := t.Check(rem.Columns); err != nil {
		return nil, err
	}
	return t, nil
}

// template returns the rule's reminder template: the one LoadTemplates
// loaded, else the file as it is now.
func (s *Sweeper) template(r *Rule) (*Template, error) {
	if t, ok := s.templates[r.Name]; ok {
		return t, nil
	}
	return LoadTemplate(r.Reminder.Template)
}

// DutchDate writes t's date the Dutch way, "22 december 2026", in t's own
// location: the caller decides the timezone, as DeleteOn is already in the
// configured one.
func DutchDate(t time.Time) string {
	// Lowercase, as Dutch writes month names.
	months := [12]string{
		"januari", "februari", "maart", "april", "mei", "juni",
		"juli", "augustus", "september", "oktober", "november", "december",
	}
	y, m, d := t.Date()
	return fmt.Sprintf("%d %s %d", d, months[m-1], y)
}
