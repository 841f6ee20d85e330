package sweeper

import (
	"strings"
	"testing"
)

// TestLoad_TOMLErrors holds the TOML library's messages as the operator
// reads them: positions, TOML's type names, and no secret quoted.
func TestLoad_TOMLErrors(t *testing.T) {
	t.Run("SyntaxErrorHasLine", func(t *testing.T) {
		msg := MustFailConfig(t, cfgDB+"[sweeper]\nbatch_size = = 3\n", t.TempDir())
		if !strings.Contains(msg, "line 5") || !strings.Contains(msg, "invalid TOML") {
			t.Errorf("got:\n%s\nwant line 5 and invalid TOML", msg)
		}
	})

	t.Run("SyntaxErrorInSecretIsWithheld", func(t *testing.T) {
		msg := MustFailConfig(t, "[database]\ndriver = \"mysql\"\ndsn = \"literal-pw\\xZZ\"\n", t.TempDir())
		if !strings.Contains(msg, "line 3") || !strings.Contains(msg, "secret") {
			t.Errorf("got:\n%s\nwant line 3 and a withheld message", msg)
		}
	})

	t.Run("WrongTypes", func(t *testing.T) {
		src := cfgDB + "[sweeper]\nbatch_size = \"1000\"\n" +
			cfgRule(map[string]string{"older_than": "6"}, "") +
			cfgRule(map[string]string{"name": `"r2"`, "age_column": "[\"a\", 3]"}, "") +
			cfgRule(map[string]string{"name": `"r3"`, "enabled": `"yes"`}, "") +
			cfgRule(map[string]string{"name": `"r4"`}, "[[rule.related]]\ntable = \"x\"\nforeign_key = \"y\"\naction = 1\n")
		msg := MustFailConfig(t, src, t.TempDir())
		for _, want := range []string{
			"sweeper.batch_size: wrong type: got string, want integer",
			`rule "r1": older_than: wrong type: got integer, want string`,
			`rule "r2": age_column: wrong type: entry 2 is integer, want a string`,
			`rule "r3": enabled: wrong type: got string, want boolean`,
			`rule "r4": related.action: wrong type: got integer, want string`,
			"line 5: sweeper.batch_size",
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("got:\n%s\nwant it to contain %q", msg, want)
			}
		}
		if strings.Contains(msg, "unknown key") {
			t.Errorf("keys left undecoded by a type error are reported as unknown:\n%s", msg)
		}
	})

	t.Run("WrongTypeOfTable", func(t *testing.T) {
		for src, want := range map[string]string{
			"database = 5\n" + cfgRule(nil, ""):                   "database: wrong type: got integer, want a table",
			cfgDB + "[rule]\nname = \"x\"\n":                      "rule: wrong type",
			"rule = [1]\n" + cfgDB:                                "rule[1]: wrong type: got integer, want a table",
			cfgDB + cfgRule(nil, "reminder = \"x\"\n"):            `rule "r1": reminder: wrong type`,
			cfgDB + cfgRule(nil, "[rule.anonymise]\nphone = 1\n"): `rule "r1": anonymise.phone: wrong type: got integer, want string`,
		} {
			if msg := MustFailConfig(t, src, t.TempDir()); !strings.Contains(msg, want) {
				t.Errorf("got:\n%s\nwant it to contain %q", msg, want)
			}
		}
	})
}
