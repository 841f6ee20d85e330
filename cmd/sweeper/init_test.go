package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sweeperd/sweeper/internal/dbtest"
	"github.com/sweeperd/sweeper/presets"
	"github.com/sweeperd/sweeper/sweeper"
)

func TestInit(t *testing.T) {
	env := func(name string) (string, bool) { return "from-the-environment", true }

	t.Run("WritesALoadableConfigWithThePrefix", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "shop.toml")
		code, out, errs := runCLI(t, "init", "--preset", "woocommerce", "--prefix", "shop7_", "-o", path)
		if code != exitOK {
			t.Fatalf("exit %d, want 0\n%s%s", code, out, errs)
		}
		cfg, err := sweeper.LoadFile(path, env)
		if err != nil {
			t.Fatalf("the written config does not load: %v", err)
		}
		for _, r := range cfg.Rules {
			if !strings.HasPrefix(r.Table, "shop7_") {
				t.Errorf("rule %s: table %q lacks the prefix shop7_", r.Name, r.Table)
			}
			for _, rel := range r.Related {
				if !strings.HasPrefix(rel.Table, "shop7_") {
					t.Errorf("rule %s: related table %q lacks the prefix shop7_", r.Name, rel.Table)
				}
			}
		}
		data, _ := os.ReadFile(path)
		if strings.Contains(string(data), "wp_") {
			t.Errorf("the config still names the default prefix wp_")
		}
		if _, err := os.Stat(filepath.Join(dir, "reminder-account.nl.txt")); err != nil {
			t.Errorf("the reminder template was not written: %v", err)
		}
	})

	t.Run("OffersEveryPreset", func(t *testing.T) {
		_, out, errs := runCLI(t, "init", "-h")
		for _, p := range presets.All() {
			if !strings.Contains(out+errs, "  "+p.Name+" ") {
				t.Errorf("init -h does not offer preset %s:\n%s%s", p.Name, out, errs)
			}
			path := filepath.Join(t.TempDir(), "config.toml")
			if code, out, errs := runCLI(t, "init", "--preset", p.Name, "-o", path); code != exitOK {
				t.Errorf("init --preset %s: exit %d, want 0\n%s%s", p.Name, code, out, errs)
				continue
			}
			if _, err := sweeper.LoadFile(path, env); err != nil {
				t.Errorf("init --preset %s wrote a config that does not load: %v", p.Name, err)
			}
		}
	})

	t.Run("RefusesToOverwrite", func(t *testing.T) {
		dir := t.TempDir()
		path := writeFile(t, dir, "config.toml", "# mine\n")
		code, _, errs := runCLI(t, "init", "--preset", "prestashop", "-o", path)
		if code != exitInvalid || !strings.Contains(errs, path) {
			t.Errorf("exit %d, stderr %q; want 2 naming %s", code, errs, path)
		}
		if data, _ := os.ReadFile(path); string(data) != "# mine\n" {
			t.Errorf("the existing file was changed: %q", data)
		}
		// Nothing half done: the template beside it was not written either.
		if _, err := os.Stat(filepath.Join(dir, "reminder-account.nl.txt")); err == nil {
			t.Errorf("the reminder template was written although the config was refused")
		}

		dir = t.TempDir()
		tmpl := writeFile(t, dir, "reminder-account.nl.txt", "Subject: mine\n\nmine\n")
		code, _, errs = runCLI(t, "init", "--preset", "prestashop", "-o", filepath.Join(dir, "config.toml"))
		if code != exitInvalid || !strings.Contains(errs, tmpl) {
			t.Errorf("exit %d, stderr %q; want 2 naming %s", code, errs, tmpl)
		}
		if _, err := os.Stat(filepath.Join(dir, "config.toml")); err == nil {
			t.Errorf("the config was written although its template was refused")
		}
	})

	t.Run("RefusesBadInput", func(t *testing.T) {
		dir := t.TempDir()
		for _, args := range [][]string{
			{"init", "-o", filepath.Join(dir, "a.toml")},
			{"init", "--preset", "oscommerce", "-o", filepath.Join(dir, "a.toml")},
			{"init", "--preset", "woocommerce", "--prefix", "wp`; DROP", "-o", filepath.Join(dir, "a.toml")},
		} {
			code, _, errs := runCLI(t, args...)
			if code != exitInvalid {
				t.Errorf("%v: exit %d, want 2 (%s)", args, code, errs)
			}
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("refused runs wrote %d files", len(entries))
		}
	})

	t.Run("SaysWhichTablesTheShopLacks", func(t *testing.T) {
		dsn := dbtest.MySQL(t)
		dbtest.Exec(t, dsn,
			"CREATE TABLE wp_users (ID bigint unsigned PRIMARY KEY, user_email varchar(100))",
			"CREATE TABLE wp_usermeta (umeta_id bigint unsigned PRIMARY KEY, user_id bigint unsigned)")
		code, out, errs := runCLI(t, "init", "--preset", "woocommerce", "--dsn", dsn, "-o", filepath.Join(t.TempDir(), "c.toml"))
		if code != exitOK {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
		if !strings.Contains(out, "  wp_wc_orders\n") || !strings.Contains(out, "  wp_posts\n") {
			t.Errorf("output should list the missing wp_wc_orders and wp_posts:\n%s", out)
		}
		if strings.Contains(out, "  wp_users\n") || strings.Contains(out, "  wp_usermeta\n") {
			t.Errorf("output lists tables the shop has:\n%s", out)
		}
	})
}
