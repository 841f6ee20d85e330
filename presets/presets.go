// Package presets holds ready-made configs for the shop platforms most
// small shops run on (WooCommerce, PrestaShop, Magento 2, Shopware 6): the
// retention promises a typical Dutch/EU privacy statement makes, written as
// rules over the platform's own tables, with the table prefix the shop
// chose. `sweeper init --preset NAME` writes one out for the shop to edit.
package presets

import (
	"bytes"
	"embed"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

// The templates are package variables only because go:embed requires it;
// nothing writes them.
var (
	//go:embed *.toml.tmpl
	configs embed.FS
	//go:embed reminder-account.nl.txt
	reminderTemplate []byte
)

// ReminderFile is the name, relative to the config, under which a preset's
// account rule expects its reminder mail template.
const ReminderFile = "reminder-account.nl.txt"

// ReminderTemplate returns the Dutch reminder mail the presets' account
// rules send a month before an idle account is deleted.
func ReminderTemplate() []byte { return bytes.Clone(reminderTemplate) }

// Preset is one platform's ready-made config.
type Preset struct {
	Name     string // what `init --preset` takes
	Platform string // the platform and versions it was written for
	Prefix   string // the platform's default table prefix
}

var all = []Preset{
	{Name: "woocommerce", Platform: "WooCommerce 8/9 on WordPress (HPOS order tables and the legacy posts storage)", Prefix: "wp_"},
	{Name: "prestashop", Platform: "PrestaShop 1.7 and 8", Prefix: "ps_"},
	{Name: "magento2", Platform: "Magento Open Source 2.4", Prefix: ""},
	{Name: "shopware6", Platform: "Shopware 6.6", Prefix: ""},
}

// All lists the presets in a fixed order.
func All() []Preset { return append([]Preset(nil), all...) }

// Lookup finds a preset by name; the error lists the names there are.
func Lookup(name string) (Preset, error) {
	for _, p := range all {
		if p.Name == name {
			return p, nil
		}
	}
	names := make([]string, len(all))
	for i, p := range all {
		names[i] = p.Name
	}
	return Preset{}, fmt.Errorf("no preset %q: choose one of %s", name, strings.Join(names, ", "))
}

// prefixPattern is what a table prefix may hold: the platforms' installers
// accept letters, digits and underscores, and a prefix is pasted into SQL
// the rules run, so nothing else may pass.
var prefixPattern = regexp.MustCompile(`^[A-Za-z0-9_]{0,32}$`)

// Rendered is a preset written out for one prefix.
type Rendered struct {
	Config []byte   // the TOML config
	Tables []string // every table its rules name, sorted, with the prefix
}

// Render writes the preset's config with every table name carrying prefix.
func (p Preset) Render(prefix string) (*Rendered, error) {
	if !prefixPattern.MatchString(prefix) {
		return nil, fmt.Errorf("prefix %q: only letters, digits and _ (at most 32), as the platform's installer allows", prefix)
	}
	tables := map[string]bool{}
	tmpl, err := template.New(p.Name).Option("missingkey=error").Funcs(template.FuncMap{
		// t names a table of the platform: it gets the prefix and is
		// listed, so that init can say which of them a shop lacks.
		"t": func(name string) string {
			tables[prefix+name] = true
			return prefix + name
		},
	}).ParseFS(configs, "settings.toml.tmpl", p.Name+".toml.tmpl")
	if err != nil {
		return nil, fmt.Errorf("preset %s: %w", p.Name, err)
	}
	var buf bytes.Buffer
	data := map[string]string{"Prefix": prefix, "Reminder": ReminderFile, "Platform": p.Platform}
	if err := tmpl.ExecuteTemplate(&buf, p.Name+".toml.tmpl", data); err != nil {
		return nil, fmt.Errorf("preset %s: %w", p.Name, err)
	}
	r := &Rendered{Config: buf.Bytes()}
	for name := range tables {
		r.Tables = append(r.Tables, name)
	}
	sort.Strings(r.Tables)
	return r, nil
}
