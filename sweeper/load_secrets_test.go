package sweeper

import (
	"strings"
	"testing"
)

// TestLoad_Secrets: what ${NAME} read is kept among the config's secrets,
// so that errors can leave it out; nothing else is.
func TestLoad_Secrets(t *testing.T) {
	c := MustLoadConfig(t, cfgFullExample, setupConfigDir(t))
	for _, want := range []string{cfgDBPassword, cfgHashKey, cfgSMTPPassword} {
		if !strings.Contains(strings.Join(c.Secrets, "\n"), want) {
			t.Errorf("secrets: got %d values, want %q among them", len(c.Secrets), want)
		}
	}
	if len(c.Secrets) != 3 {
		t.Errorf("secrets: got %d values, want 3 (the three ${NAME} of the example)", len(c.Secrets))
	}
}
