package sweeper

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// The email strategy writes deleted-<key>@invalid.invalid. .invalid is
// reserved (RFC 2606), so no mail can ever reach such an address.
const (
	emailPrefix = "deleted-"
	emailSuffix = "@invalid.invalid"
)

// dueCond is the condition that makes a row of the rule's table due at the
// given cutoff, without the key range. It is used by the plain read that
// finds candidates and again by the locking read that re-checks them, so
// both always agree.
func (b *boundRule) dueCond(c cutoffs, redact string) (string, []any) {
	var sb strings.Builder
	args := []any{b.floorValue(), c.bound}
	fmt.Fprintf(&sb, "%s >= ? AND %s < ?", b.ageExpr, b.ageExpr)
	if b.Where != "" {
		fmt.Fprintf(&sb, " AND (%s)", b.Where)
	}
	if b.holdCond != "" {
		fmt.Fprintf(&sb, " AND %s", b.holdCond)
	}
	if len(b.anonymise) > 0 {
		// A row whose columns already hold their targets is not due: a second
		// run must find nothing to do.
		done, dargs := b.anonymisedCond(redact)
		fmt.Fprintf(&sb, " AND NOT (%s)", done)
		args = append(args, dargs...)
	}
	return sb.String(), args
}

// anonymisedCond is true when every anonymised column holds its target.
// A NULL counts as done for every strategy: there is nothing left to hide.
func (b *boundRule) anonymisedCond(redact string) (string, []any) {
	return anonymisedCond(b.sql, b.qTable, b.keyCols, b.anonymise, redact)
}

// anonymisedCond is true when every column of cols of a row of qTable
// (identified by key) holds its target.
func anonymisedCond(d Dialect, qTable string, key keyColumns, cols []boundColumn, redact string) (string, []any) {
	var parts []string
	var args []any
	for _, c := range cols {
		col := qTable + "." + c.q
		switch c.Strategy {
		case StrategyNull:
			parts = append(parts, col+" IS NULL")
		case StrategyEmpty:
			parts = append(parts, fmt.Sprintf("(%s IS NULL OR %s = '')", col, col))
		case StrategyRedact:
			parts = append(parts, fmt.Sprintf("(%s IS NULL OR %s = ?)", col, col))
			args = append(args, redact)
		case StrategyHash:
			parts = append(parts, fmt.Sprintf("(%s IS NULL OR %s LIKE ?)", col, col))
			args = append(args, hashPrefix+"%")
		case StrategyValue:
			parts = append(parts, fmt.Sprintf("(%s IS NULL OR %s = ?)", col, col))
			args = append(args, c.value)
		case StrategyEmail:
			// Equal to exactly what the strategy writes: a shop address that
			// only looks like a placeholder is not taken for one, and
			// SQLite's LIKE, which stops at a NUL byte, is not relied on.
			parts = append(parts, fmt.Sprintf("(%s IS NULL OR %s = %s)", col, col,
				d.Concat("'"+emailPrefix+"'", key.text(d, qTable), "'"+emailSuffix+"'")))
		}
	}
	return strings.Join(parts, " AND "), args
}

// setClause writes the SET list of the set-based anonymise update; keyText
// is the row's key as text, for the email strategy. Hashed columns are
// left out: their values are computed per row.
func setClause(d Dialect, cols []boundColumn, keyText, redact string) (string, []any) {
	var parts []string
	var args []any
	for _, c := range cols {
		switch c.Strategy {
		case StrategyNull:
			parts = append(parts, c.q+" = NULL")
		case StrategyEmpty:
			// A NULL stays NULL: writing a value where there was none would
			// claim something was removed.
			parts = append(parts, fmt.Sprintf("%s = CASE WHEN %s IS NULL THEN NULL ELSE '' END", c.q, c.q))
		case StrategyRedact:
			parts = append(parts, fmt.Sprintf("%s = CASE WHEN %s IS NULL THEN NULL ELSE ? END", c.q, c.q))
			args = append(args, redact)
		case StrategyValue:
			// THEN the column, not NULL: PostgreSQL types the CASE, and so
			// the bound value, by it rather than as text.
			parts = append(parts, fmt.Sprintf("%s = CASE WHEN %s IS NULL THEN %s ELSE ? END", c.q, c.q, c.q))
			args = append(args, c.value)
		case StrategyEmail:
			parts = append(parts, fmt.Sprintf("%s = CASE WHEN %s IS NULL THEN NULL ELSE %s END", c.q, c.q,
				d.Concat("'"+emailPrefix+"'", keyText, "'"+emailSuffix+"'")))
		}
	}
	return strings.Join(parts, ", "), args
}

// keepClause assigns each column of keep to itself, to be appended to the
// SET list of an UPDATE that assigns set: MySQL leaves a column ON UPDATE
// CURRENT_TIMESTAMP as it was when the UPDATE assigns it. A column the
// statement assigns anyway is left out; naming it twice is an error.
func keepClause(keep []string, set ...string) string {
	var sb strings.Builder
	for _, k := range keep {
		if !slices.Contains(set, k) {
			fmt.Fprintf(&sb, ", %s = %s", k, k)
		}
	}
	return sb.String()
}

// hashValue is the pseudonym the hash strategy writes: an HMAC of the value,
// so equal values stay equal (statistics still count) but the value cannot
// be recovered without the key. It is cut to fit the column.
func hashValue(key []byte, value string, length int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(value))
	h := hex.EncodeToString(m.Sum(nil))
	if length > 0 && int64(len(hashPrefix)+len(h)) > length {
		h = h[:length-int64(len(hashPrefix))]
	}
	return hashPrefix + h
}

func hasStrategy(cols []boundColumn, s Strategy) bool {
	for _, c := range cols {
		if c.Strategy == s {
			return true
		}
	}
	return false
}

func columnNames(cols []boundColumn) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Column
	}
	return strings.Join(names, ",")
}

// quotedValue matches the MySQL errors that quote a row's value: "Duplicate
// entry '<value>' for key", "Incorrect string value: '<value>' for column",
// "Truncated incorrect DOUBLE value: '<value>'". The value is often an
// e-mail address or a name.
var quotedValue = regexp.MustCompile(`(Duplicate entry|[Ii]ncorrect \w+ value:?) '.*?'( for (?:key|column)|$)`)

// ScrubError removes the row values a database error may quote: errors are
// logged, and logs never hold personal data. PostgreSQL keeps such values in
// the error's detail, which its message leaves out; SQLite names columns only.
func ScrubError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if quotedValue.MatchString(msg) {
		return scrubbedError{msg: quotedValue.ReplaceAllString(msg, "$1 (value withheld)$2"), err: err}
	}
	return err
}

// scrub is ScrubError, short for the many call sites of this package.
func scrub(err error) error { return ScrubError(err) }

type scrubbedError struct {
	msg string
	err error
}

func (e scrubbedError) Error() string { return e.msg }
func (e scrubbedError) Unwrap() error { return e.err }

// scanFragment returns why sql is refused, or "". backslashEscapes says
// whether a backslash escapes a quote inside a string, as on MySQL but not
// in PostgreSQL's or SQLite's standard strings (PostgreSQL's E'...' strings
// take them everywhere).
func scanFragment(sql string, backslashEscapes bool) string {
	if strings.Contains(sql, "?") {
		return "contains ?: values are bound as ? placeholders, and a literal one would shift them (use CHAR(63) if you need the character)"
	}
	depth := 0
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; c {
		case '\'', '"', '`':
			// PostgreSQL's E'...' strings take backslash escapes, whatever
			// standard strings do.
			escapes := backslashEscapes || c == '\'' && i > 0 && (sql[i-1] == 'E' || sql[i-1] == 'e') &&
				(i == 1 || !isIdentByte(sql[i-2]))
			end := closingQuote(sql, i, escapes && c != '`')
			if end < 0 {
				return fmt.Sprintf("has an unterminated %c quote", c)
			}
			i = end
		case ';':
			return "contains ; outside a string: a second statement is not allowed"
		case '#':
			return "contains # outside a string: comments are not allowed"
		case '-':
			if strings.HasPrefix(sql[i:], "--") {
				return "contains -- outside a string: comments are not allowed"
			}
		case '/':
			if strings.HasPrefix(sql[i:], "/*") {
				return "contains /* outside a string: comments are not allowed"
			}
		case '$':
			if i+1 < len(sql) && sql[i+1] >= '0' && sql[i+1] <= '9' && (i == 0 || !isIdentByte(sql[i-1])) {
				return "contains a $1-style placeholder: values are bound by the sweeper"
			}
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return "has a ) without its (: the fragment must not close the sweeper's own parentheses"
			}
		}
	}
	if depth != 0 {
		return "has a ( without its )"
	}
	return ""
}

// closingQuote returns the index of the quote that closes the one at
// start, or -1. A doubled quote stands for itself.
func closingQuote(s string, start int, backslashEscapes bool) int {
	q := s[start]
	for j := start + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if backslashEscapes {
				j++
			}
		case q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j
		}
	}
	return -1
}

func isIdentByte(b byte) bool {
	return b == '_' || b == '$' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}
