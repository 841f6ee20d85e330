package presets_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/sweeperd/sweeper/presets"
)

// TestPrefix renders every preset with a table prefix and fails on any
// table it names without it, in a rule's table, age_sql or where (the
// commented-out rules included): a shop with a prefix would sweep, or fail
// on, a table that is not its own. Magento and Shopware have no default
// prefix, so their own tests cannot see a name the template forgot to mark.
func TestPrefix(t *testing.T) {
	for _, p := range presets.All() {
		t.Run(p.Name, func(t *testing.T) {
			bare, err := p.Render("")
			if err != nil {
				t.Fatal(err)
			}
			r, err := p.Render("shop7_")
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range r.Tables {
				if !strings.HasPrefix(name, "shop7_") {
					t.Errorf("table %q lacks the prefix", name)
				}
			}
			var uses []*regexp.Regexp
			for _, name := range bare.Tables {
				uses = append(uses, regexp.MustCompile(`(^|[^A-Za-z0-9_])`+regexp.QuoteMeta(name)+`([^A-Za-z0-9_]|$)`))
			}
			for i, line := range strings.Split(string(r.Config), "\n") {
				line = strings.TrimPrefix(line, "# ")
				if !strings.HasPrefix(line, "table = ") && !strings.HasPrefix(line, "age_sql = ") && !strings.HasPrefix(line, "where = ") {
					continue
				}
				for j, use := range uses {
					if use.MatchString(line) {
						t.Errorf("line %d names table %s without the prefix: %s", i+1, bare.Tables[j], line)
					}
				}
			}
		})
	}
}
