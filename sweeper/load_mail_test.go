package sweeper

import (
	"strings"
	"testing"
	"time"
)

func TestLoad_MailTimeout(t *testing.T) {
	if got := MustLoadConfig(t, cfgDB+cfgRule(nil, ""), t.TempDir()).Mail.Timeout; got != 30*time.Second {
		t.Errorf("default mail.timeout: got %s, want 30s", got)
	}
	if got := MustLoadConfig(t, cfgDB+"[mail]\ntimeout = \"1m30s\"\n"+cfgRule(nil, ""), t.TempDir()).Mail.Timeout; got != 90*time.Second {
		t.Errorf("mail.timeout = \"1m30s\": got %s, want 1m30s", got)
	}
	for _, tc := range []struct{ value, want string }{
		{`"0s"`, "mail.timeout: 0s must be longer than 0"},
		{`"-5s"`, "mail.timeout: -5s must be longer than 0"},
		{`"soon"`, `mail.timeout: "soon" is not a duration`},
	} {
		msg := MustFailConfig(t, cfgDB+"[mail]\ntimeout = "+tc.value+"\n"+cfgRule(nil, ""), t.TempDir())
		if !strings.Contains(msg, tc.want) {
			t.Errorf("mail.timeout = %s: got\n%s\nwant %q", tc.value, msg, tc.want)
		}
	}
}
