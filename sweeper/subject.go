package sweeper

import "strings"

// Subject is the [subject] table: the data map. It names the table with
// one row per person (the subject table), the columns a request may name
// the person by, and every other table holding that person's rows with the
// column that links a row to the person, directly or through another
// mapped table. Requests from data subjects (export, hold, erase
// --subject, replay) and holds go by it.
type Subject struct {
	Table string
	// Key is the subject table's column that identifies a person; ""
	// means its single-column primary key.
	Key string
	// Match are the columns besides the key a request may name a person
	// by, such as the e-mail address.
	Match []string
	// Links are the other tables holding a person's rows, in the order
	// of the file. A table may appear more than once: a row is the
	// person's when any of its links says so.
	Links []SubjectLink
}

// SubjectLink is one [[subject.link]]: the rows of Table whose Column
// equals ToColumn of a row of To that is the person's.
type SubjectLink struct {
	Table  string
	Column string
	// To is the subject table or another mapped table; "" means the
	// subject table.
	To string
	// ToColumn is the column of To that Column holds; "" means To's key
	// (the subject's key, or the primary key of a linked table).
	ToColumn string
}

// covers reports whether the map holds rows of table.
func (m *Subject) covers(table string) bool {
	if m == nil {
		return false
	}
	if sameName(m.Table, table) {
		return true
	}
	for _, l := range m.Links {
		if sameName(l.Table, table) {
			return true
		}
	}
	return false
}

// sameName compares names of tables or columns as the databases do where
// they differ least: without regard to case.
func sameName(a, b string) bool { return strings.EqualFold(a, b) }
