package sweeper

import (
	"context"
	"errors"
	"testing"
)

// functionStore lists stored functions; nothing else of Store is called.
type functionStore struct {
	Store
	names []string
	err   error
	calls int
}

func (s *functionStore) Functions(context.Context) ([]string, error) {
	s.calls++
	return s.names, s.err
}

func TestReadsOtherTables(t *testing.T) {
	for _, tc := range []struct {
		name, sql string
		names     []string
		err       error
		want      bool
		wantCalls int
	}{
		{"NoCall", "status <> 'disputed' AND total > 0", []string{"has_dispute"}, nil, false, 0},
		{"Subquery", "id NOT IN (SELECT customer_id FROM disputes)", nil, nil, true, 0},
		// PostgreSQL: a subquery without the word SELECT.
		{"TableSubquery", "id NOT IN (TABLE held_orders)", nil, nil, true, 0},
		{"TableToXML", "length(table_to_xml('holds', true, false, '')::text) > 0", nil, nil, true, 0},
		{"StoredFunction", "NOT has_dispute(id)", []string{"has_dispute"}, nil, true, 1},
		{"QuotedOtherCase", "NOT `Has_Dispute` (id)", []string{"has_dispute"}, nil, true, 1},
		{"DoubleQuoted", `NOT "has_dispute"(id)`, []string{"has_dispute"}, nil, true, 1},
		{"SchemaQualified", "NOT shop.has_dispute(id)", []string{"has_dispute"}, nil, true, 1},
		{"BuiltInOnly", "COALESCE(last_login_at, created_at) < NOW() AND LOWER(status) = 'ok'", []string{"has_dispute"}, nil, false, 1},
		{"ListFails", "NOT has_dispute(id)", nil, errors.New("denied"), true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &functionStore{names: tc.names, err: tc.err}
			if got := readsOtherTables(context.Background(), st, tc.sql); got != tc.want {
				t.Errorf("readsOtherTables(%q): got %v, want %v", tc.sql, got, tc.want)
			}
			if st.calls != tc.wantCalls {
				t.Errorf("Functions calls: got %d, want %d", st.calls, tc.wantCalls)
			}
		})
	}
}
