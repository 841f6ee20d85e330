package sweeper

import (
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// A row's key travels two ways: bound back into the shop's statements as
// the value the database holds, and written as text into the sweeper's own
// tables (audit, reminders, files). Most keys are numbers or text and read
// the same both ways. A key of bytes (MySQL BINARY(16), as Shopware's ids
// are; PostgreSQL bytea) is neither: bound as text it names no row, and
// written raw into a VARCHAR the database refuses it. So such a key is bound
// as bytes and written as lowercase hex. A key of several columns is bound
// column by column and written as its parts joined by commas.

// binaryKey is a key held in a column of bytes. It binds as the bytes
// (a driver.Valuer, so that no driver or query builder takes it for text
// or a list) and is written as lowercase hex.
type binaryKey []byte

// Value implements driver.Valuer.
func (k binaryKey) Value() (driver.Value, error) { return []byte(k), nil }

func (k binaryKey) String() string { return hex.EncodeToString(k) }

// MarshalText writes the key as hex in JSON too (the subject of an
// export), as the audit records write it, rather than as base64.
func (k binaryKey) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// tupleKey is the key of a row identified by several columns, in the order
// of the columns.
type tupleKey []any

// String writes the parts joined by commas; a comma or percent sign inside
// a part is escaped (%2C, %25), so that the text names one tuple only.
func (k tupleKey) String() string {
	parts := make([]string, len(k))
	for i, p := range k {
		s := keyText(p)
		if strings.ContainsAny(s, ",%") {
			s = strings.NewReplacer("%", "%25", ",", "%2C").Replace(s)
		}
		parts[i] = s
	}
	return strings.Join(parts, ",")
}

// keyColumns are the columns that identify a table's rows, or by which its
// rows refer to another table's: one column, or several.
type keyColumns struct {
	names  []string // as the schema spells them
	q      []string // quoted, without the table
	binary []bool   // the column holds bytes
}

// bindKeyColumns looks the columns up in t.
func bindKeyColumns(d Dialect, t *Table, names []string) (keyColumns, error) {
	var k keyColumns
	for _, n := range names {
		c, ok := t.Column(n)
		if !ok {
			return keyColumns{}, fmt.Errorf("%q is not a column of %q", n, t.Name)
		}
		k.names = append(k.names, c.Name)
		k.q = append(k.q, d.Quote(c.Name))
		k.binary = append(k.binary, d.BinaryType(c.Type))
	}
	return k, nil
}

// width is the number of columns.
func (k keyColumns) width() int { return len(k.names) }

// of qualifies the columns with a quoted table name (or alias).
func (k keyColumns) of(qTable string) []string {
	out := make([]string, len(k.q))
	for i, q := range k.q {
		out[i] = qTable + "." + q
	}
	return out
}

// value turns the scanned values of the columns into one key that binds
// back as itself.
func (k keyColumns) value(dst []any) any {
	if len(k.names) == 1 {
		return scannedKey(dst[0], k.binary[0])
	}
	t := make(tupleKey, len(k.names))
	for i := range k.names {
		t[i] = scannedKey(dst[i], k.binary[i])
	}
	return t
}

// in is the condition that the columns of qTable hold one of keys, with its
// arguments.
func (k keyColumns) in(d Dialect, qTable string, keys []any) (string, []any) {
	cols := k.of(qTable)
	if len(cols) == 1 {
		return cols[0] + " IN ?", []any{keys}
	}
	args := make([]any, 0, len(keys)*len(cols))
	for _, key := range keys {
		args = append(args, key.(tupleKey)...)
	}
	return d.RowsIn(cols, len(keys)), args
}

// equal is the condition that the columns of qTable hold key, with its
// arguments.
func (k keyColumns) equal(qTable string, key any) (string, []any) {
	cols := k.of(qTable)
	if len(cols) == 1 {
		return cols[0] + " = ?", []any{key}
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c + " = ?"
	}
	return "(" + strings.Join(parts, " AND ") + ")", []any(key.(tupleKey))
}

// text is an SQL expression giving the key of a row of qTable as text, as
// keyString writes it (but for the escaping of a text part of several).
func (k keyColumns) text(d Dialect, qTable string) string {
	cols := k.of(qTable)
	parts := make([]string, 0, 2*len(cols))
	for i, c := range cols {
		if i > 0 {
			parts = append(parts, "','")
		}
		if k.binary[i] {
			c = d.Hex(c)
		}
		parts = append(parts, c)
	}
	if len(parts) == 1 && !k.binary[0] {
		return cols[0]
	}
	return d.Concat(parts...)
}

// scannedKey turns a scanned key into a value that binds back as itself:
// the bytes of a column of bytes, text for the text a driver hands over as
// bytes, anything else as it came.
func scannedKey(v any, binary bool) any {
	if b, ok := v.([]byte); ok {
		if binary {
			return binaryKey(b)
		}
		return string(b)
	}
	return v
}

// normKey turns a scanned value that is not a key of bytes into one that
// binds back as itself.
func normKey(k any) any { return scannedKey(k, false) }

// maxStoredKey is the length of row_key in the sweeper's own tables.
const maxStoredKey = 191

// keyString is how a row's key is written in the sweeper's own tables:
// bytes as lowercase hex, several columns joined by commas. A key longer
// than their row_key column keeps its first characters and gets a hash of
// the whole key, so it still fits, stays unique and can be found.
func keyString(k any) string {
	s := keyText(k)
	if utf8.RuneCountInString(s) <= maxStoredKey {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return string([]rune(s)[:maxStoredKey-21]) + "~" + hex.EncodeToString(sum[:10])
}

// keyText writes one key value: a time (a DATETIME part of a key, as a
// visit's pages are keyed by their start) as the database shows it,
// anything else as fmt does.
func keyText(v any) string {
	if t, ok := v.(time.Time); ok {
		return t.Format("2006-01-02 15:04:05.999999")
	}
	return fmt.Sprint(v)
}

// StoredKey is how a key given on the command line appears in the audit table.
func StoredKey(k string) string { return keyString(k) }

// storedKeyForms are the texts under which a key given on the command line
// may be stored: as given, and, when it reads as hex (in either case, with
// or without 0x, as MySQL's HEX() and SELECT of a BINARY column show it), as
// the lowercase hex the sweeper writes keys of bytes in.
func storedKeyForms(k string) []string {
	forms := []string{keyString(k)}
	if b, ok := parseHexKey(k); ok {
		if h := keyString(binaryKey(b)); h != forms[0] {
			forms = append(forms, h)
		}
	}
	return forms
}

// parseHexKey reads a key of bytes given as hex: an even number of hex
// digits, in either case, optionally after 0x.
func parseHexKey(s string) ([]byte, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
		s = s[2:]
	}
	if s == "" || len(s)%2 != 0 {
		return nil, false
	}
	b, err := hex.DecodeString(s)
	return b, err == nil
}
