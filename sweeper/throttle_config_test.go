package sweeper

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLoad_Throttle holds the pace and throttle settings: their defaults,
// the gentle pace's short batches unless batch_time is set, and a clear
// error for each bad value.
func TestLoad_Throttle(t *testing.T) {
	dir := setupConfigDir(t)
	t.Run("Defaults", func(t *testing.T) {
		s := MustLoadConfig(t, cfgDB+cfgRule(nil, ""), dir).Sweeper
		if s.Pace != PaceFull || s.MaxLoad != 0 || s.CriticalLoad != 0 || s.PauseFile != "" || s.BatchTime != 0 {
			t.Errorf("got pace %q, max_load %d, critical_load %d, pause_file %q, batch_time %s; want full, 0, 0, \"\", 0s",
				s.Pace, s.MaxLoad, s.CriticalLoad, s.PauseFile, s.BatchTime)
		}
	})
	t.Run("Gentle", func(t *testing.T) {
		s := MustLoadConfig(t, cfgDB+"[sweeper]\npace = \"gentle\"\nmax_load = 8\ncritical_load = 40\npause_file = \"pause\"\n"+cfgRule(nil, ""), dir).Sweeper
		if s.Pace != PaceGentle || s.BatchTime != gentleBatchTime || s.MaxLoad != 8 || s.CriticalLoad != 40 ||
			s.PauseFile != filepath.Join(dir, "pause") {
			t.Errorf("got pace %q, batch_time %s, max_load %d, critical_load %d, pause_file %q", s.Pace, s.BatchTime, s.MaxLoad, s.CriticalLoad, s.PauseFile)
		}
		s = MustLoadConfig(t, cfgDB+"[sweeper]\npace = \"gentle\"\nbatch_time = \"60ms\"\n"+cfgRule(nil, ""), dir).Sweeper
		if s.BatchTime != 60*time.Millisecond {
			t.Errorf("gentle with batch_time 60ms: got %s, want the config's", s.BatchTime)
		}
	})
	for _, tc := range []struct{ name, sweeper, want string }{
		{"BadPace", `pace = "slow"`, `sweeper.pace: "slow" is not a pace: use "full"`},
		{"NegativeMaxLoad", `max_load = -1`, "sweeper.max_load: -1 is negative"},
		{"NegativeCriticalLoad", `critical_load = -3`, "sweeper.critical_load: -3 is negative"},
		{"CriticalNotAboveMax", "max_load = 10\ncritical_load = 10", "sweeper.critical_load: 10 is not above max_load 10"},
		{"MaxLoadNotANumber", `max_load = "ten"`, "sweeper.max_load"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := MustFailConfig(t, cfgDB+"[sweeper]\n"+tc.sweeper+"\n"+cfgRule(nil, ""), dir)
			if !strings.Contains(msg, tc.want) {
				t.Errorf("got:\n%s\nwant it to contain %q", msg, tc.want)
			}
		})
	}
}
