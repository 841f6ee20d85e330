package sweeper

import (
	"strings"
	"testing"
)

func FuzzLoad(f *testing.F) {
	f.Add(cfgFullExample)
	f.Add(cfgDB + cfgRule(nil, ""))
	f.Add(cfgDB + cfgRule(map[string]string{"age_column": `["a", "b"]`, "action": `"anonymize"`}, "[rule.anonymise]\nx = \"null\"\n"))
	f.Add(cfgDB + cfgRule(map[string]string{"older_than": `"P1Y6M"`, "schedule": `"@every 1h"`, "age_timezone": `"Europe/Amsterdam"`}, ""))
	f.Add(cfgDB + cfgRule(map[string]string{"where": `"a = 'x''y' AND (b = 1)"`}, ""))
	f.Add(cfgDB + cfgRule(map[string]string{"schedule": `"TZ=UTC"`}, ""))
	f.Add(cfgDB + cfgRule(map[string]string{"older_than": `"6 maanden"`}, ""))
	f.Add(cfgDB + "[rule]\nname = \"x\"\n")
	f.Add("rule = [1]\n" + cfgDB)
	f.Add("[database]\ndsn = \"a\\xZZ\"\n")
	f.Add(cfgDB + cfgRule(nil, "[[rule.related]]\ntable = 1\n"))
	f.Add("")
	f.Fuzz(func(t *testing.T, src string) {
		dir := t.TempDir()
		c, err := Load(strings.NewReader(src), dir, cfgEnv)
		if err != nil {
			return
		}
		if len(c.Rules) == 0 {
			t.Fatal("a config without rules loaded")
		}
		for i, r := range c.Rules {
			if r.Name == "" {
				t.Errorf("rule %d loaded without a name", i)
			}
			if r.OlderThan.IsZero() {
				t.Errorf("rule %q loaded without older_than", r.Name)
			}
			if r.AgeTimezone == nil {
				t.Errorf("rule %q loaded without an age timezone", r.Name)
			}
		}
		if err := c.Validate(); err != nil {
			t.Errorf("a loaded config does not validate: %v", err)
		}
	})
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"6 months", "1 year 6 months", "P1Y6M", "P3W", "3 weeks 2 days", "0 days", "P", "PT1H", "-1 day", "100000 years"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			return
		}
		if p.IsZero() {
			t.Fatalf("ParsePeriod(%q) = zero period without an error", s)
		}
		q, err := ParsePeriod(p.String())
		if err != nil {
			t.Fatalf("ParsePeriod(%q) = %+v, but its String %q does not parse: %v", s, p, p.String(), err)
		}
		if q != p {
			t.Fatalf("ParsePeriod(%q) = %+v, String %q parses as %+v", s, p, p.String(), q)
		}
	})
}
