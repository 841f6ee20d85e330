package sweeper

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

var (
	// secretKeyLine finds a line that assigns one of the secret keys, also
	// dotted or inside an inline table.
	secretKeyLine = regexp.MustCompile(`(?:^|[\s{,."'])(?:dsn|replicas|password|hash_key)["']?\s*=`)
	// keyLine finds a line that starts another key or a table, which ends
	// the value of the key above it.
	keyLine = regexp.MustCompile(`^\s*(?:\[|(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*\s*=)`)
)

func isSecretKey(k string) bool {
	switch k {
	case "dsn", "replicas", "password", "hash_key":
		return true
	}
	return false
}

// syntaxProblem reports a TOML syntax error with its position. The parser
// quotes the text it choked on, so when that text may be a secret the
// message is withheld.
func syntaxProblem(data string, err error) problem {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return problem{rule: -1, msg: "invalid TOML: " + strings.TrimPrefix(err.Error(), "toml: ")}
	}
	line := pe.Position.Line
	if line == 0 {
		line = pe.Line
	}
	lastKey := pe.LastKey
	if i := strings.LastIndexByte(lastKey, '.'); i >= 0 {
		lastKey = lastKey[i+1:]
	}
	if isSecretKey(lastKey) || inSecretValue(data, line) {
		return problem{line: line, rule: -1, msg: "invalid TOML in a secret value (details withheld so the secret is not printed)"}
	}
	msg := "invalid TOML: " + pe.Message
	if pe.LastKey != "" {
		msg = fmt.Sprintf("invalid TOML (last key %q): %s", pe.LastKey, pe.Message)
	}
	return problem{line: line, col: pe.Position.Col, rule: -1, msg: msg}
}

// inSecretValue reports whether line (from 1) is part of a secret key's
// value, which may run over several lines (a replicas array).
func inSecretValue(data string, line int) bool {
	in := false
	for i, l := range strings.Split(data, "\n") {
		switch {
		case secretKeyLine.MatchString(l):
			in = true
		case keyLine.MatchString(l):
			in = false
		}
		if i+1 == line {
			return in
		}
	}
	return in
}

var (
	libTypeError = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "((?:[^"\\]|\\.)*)"\): (.*)$`)
	incompatible = regexp.MustCompile(`^incompatible types: TOML value has type (.+); destination has type (.+)$`)
	notATable    = regexp.MustCompile(`^type mismatch for .+: expected table but found (.+)$`)
)

// typeProblem turns the decoder's report of a wrong type into one that names
// the key relative to its rule, in TOML's words rather than Go's.
func typeProblem(err error, rule int, label string) problem {
	p := problem{rule: rule, label: label}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		p.line, p.key, p.msg = pe.Position.Line, pe.LastKey, pe.Message
	} else if m := libTypeError.FindStringSubmatch(err.Error()); m != nil {
		p.line, _ = strconv.Atoi(m[1])
		p.key, _ = strconv.Unquote(`"` + m[2] + `"`)
		p.msg = m[3]
	} else {
		p.msg = strings.TrimPrefix(err.Error(), "toml: ")
	}
	if rule >= 0 {
		p.key = strings.TrimPrefix(strings.TrimPrefix(p.key, "rule"), ".")
	}
	if m := incompatible.FindStringSubmatch(p.msg); m != nil {
		p.msg = fmt.Sprintf("wrong type: got %s, want %s", goToTOML(m[1]), goToTOML(m[2]))
	} else if m := notATable.FindStringSubmatch(p.msg); m != nil {
		p.msg = fmt.Sprintf("wrong type: got %s, want a table", goToTOML(m[1]))
	}
	if p.key == "rule" && rule < 0 && strings.Contains(p.msg, "want array") {
		p.msg += " (write each rule as [[rule]])"
	}
	return p
}

// goToTOML names the types in the decoder's messages as the TOML spec does.
func goToTOML(t string) string {
	switch t {
	case "string", "primitive (string-like)":
		return "string"
	case "int64", "integer":
		return "integer"
	case "float64", "float":
		return "float"
	case "bool", "boolean":
		return "boolean"
	case "time.Time":
		return "datetime"
	case "[]any", "slice":
		return "array"
	case "[]map[string]any":
		return "array of tables"
	case "map[string]any", "map":
		return "table"
	}
	return t
}

func tomlTypeOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "table"
	case []map[string]any:
		return "array of tables"
	}
	return goToTOML(strings.ReplaceAll(fmt.Sprintf("%T", v), "interface {}", "any"))
}
