package sweeper

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// ConfigError lists every problem found in a config, so that an operator can
// fix them all in one go instead of one per restart. A config that fails to
// load was never used: nothing was touched.
type ConfigError struct {
	// Path is the file the problems were found in, "" when unknown.
	Path string
	// Problems are one line each, naming the key (and the rule) they are about.
	Problems []string
}

// Error writes one problem per line, each prefixed by the file name when known.
func (e *ConfigError) Error() string {
	if len(e.Problems) == 0 {
		return e.prefix() + "invalid config"
	}
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.prefix())
		b.WriteString(p)
	}
	return b.String()
}

func (e *ConfigError) prefix() string {
	if e.Path == "" {
		return ""
	}
	return e.Path + ": "
}

// problem is one line of a ConfigError.
type problem struct {
	line  int    // 0 when unknown
	col   int    // 0 when unknown
	rule  int    // index into the rules, -1 outside them
	label string // `rule "name"` or `rule[3]`
	key   string // relative to the rule when in one
	msg   string
}

func (p problem) String() string {
	var b strings.Builder
	switch {
	case p.line > 0 && p.col > 0:
		fmt.Fprintf(&b, "line %d, column %d: ", p.line, p.col)
	case p.line > 0:
		fmt.Fprintf(&b, "line %d: ", p.line)
	}
	if p.label != "" {
		b.WriteString(p.label)
		b.WriteString(": ")
	}
	if p.key != "" {
		b.WriteString(p.key)
		b.WriteString(": ")
	}
	b.WriteString(p.msg)
	return b.String()
}

// rank orders a problem by where its key sits in the file's layout:
// unknown keys and other keyless problems first, then by field.
func (p problem) rank() int {
	if p.key == "" {
		return -1
	}
	t := reflect.TypeOf(rawConfig{})
	if p.rule >= 0 {
		t = reflect.TypeOf(rawRule{})
	}
	first := strings.FieldsFunc(p.key, func(r rune) bool { return r == '.' || r == '[' })[0]
	for i := 0; i < t.NumField(); i++ {
		if strings.Split(t.Field(i).Tag.Get("toml"), ",")[0] == first {
			return i
		}
	}
	return t.NumField()
}

type problemKey struct {
	rule int
	key  string
}

// problems collects what is wrong with a config instead of stopping at the first.
type problems struct {
	list []problem
	hush map[problemKey]bool
}

func (ps *problems) add(p problem) {
	if ps.hush[problemKey{p.rule, p.key}] {
		return
	}
	ps.list = append(ps.list, p)
}

// hushReported silences later problems about keys that already have one.
func (ps *problems) hushReported() {
	if ps.hush == nil {
		ps.hush = make(map[problemKey]bool)
	}
	for _, p := range ps.list {
		ps.hush[problemKey{p.rule, p.key}] = true
	}
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	// Problems are found table by table and stage by stage; they are read
	// in the order of the file.
	sort.SliceStable(ps.list, func(i, j int) bool {
		a, b := ps.list[i], ps.list[j]
		if a.rule != b.rule {
			return a.rule < b.rule
		}
		return a.rank() < b.rank()
	})
	e := &ConfigError{Problems: make([]string, len(ps.list))}
	for i, p := range ps.list {
		e.Problems[i] = p.String()
	}
	return e
}

// scope is where problems are reported: the top of the file or one rule.
type scope struct {
	ps    *problems
	rule  int
	label string
}

func topScope(ps *problems) scope { return scope{ps: ps, rule: -1} }

func ruleScope(ps *problems, i int, name string) scope {
	return scope{ps: ps, rule: i, label: ruleLabel(name, i)}
}

func (s scope) addf(key, format string, args ...any) {
	s.ps.add(problem{rule: s.rule, label: s.label, key: key, msg: fmt.Sprintf(format, args...)})
}

// ruleLabel names a rule the way the operator wrote it, or by its position
// when its name cannot be trusted to identify it.
func ruleLabel(name string, i int) string {
	if rulePattern.MatchString(name) {
		return fmt.Sprintf("rule %q", name)
	}
	return fmt.Sprintf("rule[%d]", i+1)
}
