package sweeper

import (
	"strings"
	"testing"
)

// TestLoad_Decode holds the strict decode: every key the schema does not
// name exactly is reported, with the key it was probably meant to be.
func TestLoad_Decode(t *testing.T) {
	t.Run("UnknownKeys", func(t *testing.T) {
		for name, tc := range map[string]struct {
			src  string
			want []string
		}{
			"TopLevel": {
				src:  "colour = \"blue\"\n" + cfgDB + cfgRule(nil, ""),
				want: []string{`unknown key "colour"`},
			},
			"TopLevelTable": {
				src:  cfgDB + "[metrics]\nport = 1\n" + cfgRule(nil, ""),
				want: []string{`unknown key "metrics"`},
			},
			"InSweeper": {
				src:  cfgDB + "[sweeper]\nbacth_size = 10\n" + cfgRule(nil, ""),
				want: []string{`unknown key "sweeper.bacth_size"`, `did you mean "sweeper.batch_size"`},
			},
			"CaseMatters": {
				src:  cfgDB + "[sweeper]\nBatch_Size = 10\n" + cfgRule(nil, ""),
				want: []string{`unknown key "sweeper.Batch_Size"`, "case-sensitive"},
			},
			"InRule": {
				src:  cfgDB + cfgRule(nil, "") + cfgRule(map[string]string{"name": `"second-rule"`, "olderthan": `"1 year"`}, ""),
				want: []string{`rule "second-rule": unknown key "olderthan"`, `did you mean "older_than"`},
			},
			"InRuleWithoutValidName": {
				src:  cfgDB + cfgRule(nil, "") + cfgRule(nil, "") + cfgRule(map[string]string{"name": `"Bad Name"`, "colour": "1"}, ""),
				want: []string{`rule[3]: unknown key "colour"`},
			},
			"InRelated": {
				src: cfgDB + cfgRule(nil, "[[rule.related]]\ntable = \"a\"\nforeign_key = \"b\"\naction = \"delete\"\n"+
					"[[rule.related]]\ntable = \"c\"\nforeign_key = \"d\"\naction = \"delete\"\nforeing_key = \"e\"\n"),
				want: []string{`rule "r1": unknown key "related[2].foreing_key"`},
			},
			"InReminderAndFiles": {
				src:  cfgDB + cfgRule(nil, "[rule.reminder]\nbefore = \"1 day\"\nemail = \"x\"\n[rule.files]\ncolumn = \"p\"\nroot = \"/srv\"\nbase = \"/\"\n"),
				want: []string{`rule "r1": unknown key "reminder.email"`, `rule "r1": unknown key "files.base"`},
			},
			"CapitalisedRuleKey": {
				src:  cfgDB + cfgRule(map[string]string{"Table": `"x"`}, ""),
				want: []string{`rule "r1": unknown key "Table"`},
			},
		} {
			t.Run(name, func(t *testing.T) {
				msg := MustFailConfig(t, tc.src, t.TempDir())
				for _, want := range tc.want {
					if !strings.Contains(msg, want) {
						t.Errorf("got:\n%s\nwant it to contain %q", msg, want)
					}
				}
			})
		}
	})

	t.Run("AnonymiseColumnsAreNotUnknownKeys", func(t *testing.T) {
		src := cfgDB + "[sweeper]\nhash_key = \"k\"\n" + cfgRule(map[string]string{"action": `"anonymise"`},
			"[rule.anonymise]\nany_column_name = \"null\"\n[[rule.related]]\ntable = \"t\"\nforeign_key = \"f\"\naction = \"anonymise\"\n[rule.related.anonymise]\nwhatever = \"hash\"\n")
		c := MustLoadConfig(t, src, t.TempDir())
		if c.Rules[0].Anonymise[0].Column != "any_column_name" || c.Rules[0].Related[0].Anonymise[0].Column != "whatever" {
			t.Errorf("got %+v", c.Rules[0])
		}
	})
}
