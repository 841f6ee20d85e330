package sweeper

import (
	"errors"
	"strings"
	"testing"
)

func TestScrubError(t *testing.T) {
	for _, tc := range []struct{ in, leak, keep string }{
		{"Error 1062 (23000): Duplicate entry 'anne@example.com' for key 'email'", "anne@example.com", "for key 'email'"},
		{"Error 1366 (22007): Incorrect string value: '\\xF0\\x9F\\x98\\x80 Jansen' for column `shop`.`customers`.`name` at row 1", "Jansen", "for column"},
		{"Error 1292 (22007): Incorrect datetime value: 'Bram de Vries' for column `created_at` at row 1", "Bram de Vries", "created_at"},
		{"Error 1292 (22007): Truncated incorrect DOUBLE value: '06-12345678'", "06-12345678", "Truncated incorrect DOUBLE value"},
	} {
		got := ScrubError(errors.New(tc.in)).Error()
		if strings.Contains(got, tc.leak) || !strings.Contains(got, tc.keep) || !strings.Contains(got, "value withheld") {
			t.Errorf("ScrubError(%q) = %q: want %q withheld and %q kept", tc.in, got, tc.leak, tc.keep)
		}
	}
	if got := ScrubError(errors.New("Error 1205: Lock wait timeout exceeded")).Error(); got != "Error 1205: Lock wait timeout exceeded" {
		t.Errorf("an error without a value changed: %q", got)
	}
}
