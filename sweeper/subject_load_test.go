package sweeper

import (
	"reflect"
	"strings"
	"testing"
)

const cfgSubject = `
[subject]
table = "customers"
match = ["email"]
[[subject.link]]
table = "orders"
column = "customer_id"
[[subject.link]]
table = "order_lines"
column = "order_id"
to = "orders"
[[subject.link]]
table = "newsletter"
column = "email"
to = "customers"
to_column = "email"
`

// TestLoad_Subject holds the loader to [subject]: the map as written, and
// every problem with it named by its key.
func TestLoad_Subject(t *testing.T) {
	t.Run("Map", func(t *testing.T) {
		c := MustLoadConfig(t, cfgDB+cfgSubject+cfgRule(map[string]string{"keep_on_request": "true", "basis": `"fiscaal 7 jaar"`}, ""), t.TempDir())
		want := &Subject{Table: "customers", Match: []string{"email"}, Links: []SubjectLink{
			{Table: "orders", Column: "customer_id"},
			{Table: "order_lines", Column: "order_id", To: "orders"},
			{Table: "newsletter", Column: "email", To: "customers", ToColumn: "email"},
		}}
		if !reflect.DeepEqual(c.Subject, want) {
			t.Errorf("subject: got %+v, want %+v", c.Subject, want)
		}
		if !c.Rules[0].KeepOnRequest {
			t.Errorf("keep_on_request: got false, want true")
		}
	})

	t.Run("NoMap", func(t *testing.T) {
		c := MustLoadConfig(t, cfgDB+cfgRule(nil, ""), t.TempDir())
		if c.Subject != nil {
			t.Errorf("subject: got %+v, want nil for a file without [subject]", c.Subject)
		}
		if c.Rules[0].KeepOnRequest {
			t.Errorf("keep_on_request: got true, want false by default")
		}
	})

	for _, tc := range []struct {
		name string
		src  string
		want []string
	}{
		{"NoTable", "[subject]\nmatch = [\"email\"]\n", []string{"subject.table: required"}},
		{"BadIdentifiers", "[subject]\ntable = \"customers; x\"\nkey = \"id`\"\nmatch = [\"e mail\"]\n",
			[]string{`subject.table: "customers; x" is not an identifier`, "subject.key: \"id`\" is not an identifier",
				`subject.match[1]: "e mail" is not an identifier`}},
		{"LinkWithoutColumn", "[subject]\ntable = \"customers\"\n[[subject.link]]\ntable = \"orders\"\n", []string{"subject.link[1].column: required"}},
		{"LinkToUnmapped", "[subject]\ntable = \"customers\"\n[[subject.link]]\ntable = \"order_lines\"\ncolumn = \"order_id\"\nto = \"orders\"\n",
			[]string{`subject.link[1].to: "orders" is neither the subject table nor a table of a [[subject.link]]`}},
		{"LinkTheSubject", "[subject]\ntable = \"customers\"\n[[subject.link]]\ntable = \"customers\"\ncolumn = \"referrer_id\"\n",
			[]string{`subject.link[1].table: "customers" is the subject table`}},
		{"Circle", "[subject]\ntable = \"customers\"\n" +
			"[[subject.link]]\ntable = \"orders\"\ncolumn = \"customer_id\"\n" +
			"[[subject.link]]\ntable = \"orders\"\ncolumn = \"quote_id\"\nto = \"quotes\"\n" +
			"[[subject.link]]\ntable = \"quotes\"\ncolumn = \"order_id\"\nto = \"orders\"\n",
			[]string{"subject.link: the links go round in a circle (orders → quotes → orders)"}},
		{"UnknownKey", "[subject]\ntable = \"customers\"\n[[subject.link]]\ntable = \"orders\"\nforeign_key = \"customer_id\"\n",
			[]string{`unknown key "subject.link[1].foreign_key"`, "subject.link[1].column: required"}},
		{"WrongType", "[subject]\ntable = \"customers\"\nmatch = \"email\"\n", []string{"subject.match"}},
		{"KeepWithoutMap", cfgRule(map[string]string{"keep_on_request": "true", "basis": `"x"`}, ""),
			[]string{`rule "r1": keep_on_request: needs a [subject] data map`}},
		{"KeepWithoutBasis", cfgSubject + cfgRule(map[string]string{"keep_on_request": "true"}, ""),
			[]string{`rule "r1": keep_on_request: the rows are kept under the rule's basis, which is empty`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := cfgDB + tc.src
			if !strings.Contains(tc.src, "[[rule]]") {
				src += cfgRule(nil, "")
			}
			msg := MustFailConfig(t, src, t.TempDir())
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("got:\n%s\nwant it to contain %q", msg, w)
				}
			}
		})
	}
}
