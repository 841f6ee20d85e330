package sweeper

import "testing"

func TestScanFragment(t *testing.T) {
	for _, tc := range []struct {
		sql       string
		backslash bool
		ok        bool
	}{
		{"status <> 'disputed'", true, true},
		{"a = 'it''s'", false, true},
		{`a = 'it\'s'`, true, true},
		{`a = 'it\'s'`, false, false},
		{`a = "x;y"`, false, true},
		{"`weird;col` = 1", false, true},
		{"a - -1 = 0", false, true},
		{"a / 2 > 1", false, true},
		{"price$1 > 0", false, true},
		{"a = 1;", false, false},
		{"'a'; 'b'", false, false},
		{"a = 1 /", false, true},
		{"((a = 1) AND (b = 2))", false, true},
		{"a = 1)", false, false},
		{`a = E'x\' OR b = 'y; z'`, false, false},
		{`a = e'x\'' OR b = 'y'`, false, true},
		{`name = 'x\' OR b = 'y; z'`, false, true},
		{`a = fe'x\' OR b = 'y; z'`, false, true},
	} {
		if got := scanFragment(tc.sql, tc.backslash) == ""; got != tc.ok {
			t.Errorf("scanFragment(%q, %v): got ok=%v, want %v (%s)", tc.sql, tc.backslash, got, tc.ok, scanFragment(tc.sql, tc.backslash))
		}
	}
}
