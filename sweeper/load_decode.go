package sweeper

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// The raw* types are the file as written: strings where the Config holds
// parsed values, pointers where an absent key differs from a zero value.
type rawConfig struct {
	Database rawDatabase `toml:"database"`
	Sweeper  rawSettings `toml:"sweeper"`
	HTTP     rawHTTP     `toml:"http"`
	Log      rawLog      `toml:"log"`
	Mail     rawMail     `toml:"mail"`
	Subject  *rawSubject `toml:"subject"`
	Rules    []rawRule   `toml:"rule"`
}

// rawSections holds each table of the file undecoded, so that a wrong type in
// one table or rule is reported without hiding the problems of the others.
type rawSections struct {
	Database toml.Primitive   `toml:"database"`
	Sweeper  toml.Primitive   `toml:"sweeper"`
	HTTP     toml.Primitive   `toml:"http"`
	Log      toml.Primitive   `toml:"log"`
	Mail     toml.Primitive   `toml:"mail"`
	Subject  toml.Primitive   `toml:"subject"`
	Rules    []toml.Primitive `toml:"rule"`
}

type rawDatabase struct {
	Driver        string   `toml:"driver"`
	DSN           string   `toml:"dsn"`
	Replicas      []string `toml:"replicas"`
	MaxReplicaLag *string  `toml:"max_replica_lag"`
}

type rawSettings struct {
	Timezone        *string  `toml:"timezone"`
	Schedule        *string  `toml:"schedule"`
	BatchSize       *int     `toml:"batch_size"`
	BatchTime       *string  `toml:"batch_time"`
	BatchPause      *string  `toml:"batch_pause"`
	MaxRowsPerRun   int      `toml:"max_rows_per_run"`
	MaxRunTime      *string  `toml:"max_run_time"`
	MaxFraction     *float64 `toml:"max_fraction"`
	LockWaitTimeout *string  `toml:"lock_wait_timeout"`
	AuditTable      *string  `toml:"audit_table"`
	RedactText      *string  `toml:"redact_text"`
	HashKey         string   `toml:"hash_key"`
	Pace            *string  `toml:"pace"`
	MaxLoad         int      `toml:"max_load"`
	CriticalLoad    int      `toml:"critical_load"`
	PauseFile       string   `toml:"pause_file"`
}

type rawHTTP struct {
	Listen *string `toml:"listen"`
}

type rawLog struct {
	Level  *string `toml:"level"`
	Format *string `toml:"format"`
}

type rawMail struct {
	Host     string  `toml:"host"`
	Port     *int    `toml:"port"`
	Username string  `toml:"username"`
	Password string  `toml:"password"`
	TLS      *string `toml:"tls"`
	From     string  `toml:"from"`
	Timeout  *string `toml:"timeout"`
}

type rawRule struct {
	Name          string            `toml:"name"`
	Description   string            `toml:"description"`
	Basis         string            `toml:"basis"`
	Enabled       *bool             `toml:"enabled"`
	Table         string            `toml:"table"`
	Key           string            `toml:"key"`
	AgeColumn     stringList        `toml:"age_column"`
	AgeSQL        *string           `toml:"age_sql"`
	AgeTimezone   *string           `toml:"age_timezone"`
	OlderThan     string            `toml:"older_than"`
	Where         string            `toml:"where"`
	Action        string            `toml:"action"`
	Anonymise     map[string]string `toml:"anonymise"`
	Related       []rawRelated      `toml:"related"`
	Refers        []rawRefers       `toml:"refers"`
	Reminder      *rawReminder      `toml:"reminder"`
	Files         *rawFiles         `toml:"files"`
	Schedule      *string           `toml:"schedule"`
	BatchSize     *int              `toml:"batch_size"`
	MaxRowsPerRun *int              `toml:"max_rows_per_run"`
	KeepOnRequest bool              `toml:"keep_on_request"`
}

type rawRelated struct {
	Table      string            `toml:"table"`
	ForeignKey stringList        `toml:"foreign_key"`
	References stringList        `toml:"references"`
	Key        stringList        `toml:"key"`
	Action     string            `toml:"action"`
	Anonymise  map[string]string `toml:"anonymise"`
	Related    []rawRelated      `toml:"related"`
}

type rawRefers struct {
	Table      string            `toml:"table"`
	Column     string            `toml:"column"`
	Key        string            `toml:"key"`
	Action     string            `toml:"action"`
	Anonymise  map[string]string `toml:"anonymise"`
	Where      string            `toml:"where"`
	ReferredBy []string          `toml:"referred_by"`
}

type rawReminder struct {
	Before      string   `toml:"before"`
	EmailColumn string   `toml:"email_column"`
	Columns     []string `toml:"columns"`
	Template    string   `toml:"template"`
}

type rawSubject struct {
	Table string           `toml:"table"`
	Key   string           `toml:"key"`
	Match []string         `toml:"match"`
	Links []rawSubjectLink `toml:"link"`
}

type rawSubjectLink struct {
	Table    string `toml:"table"`
	Column   string `toml:"column"`
	To       string `toml:"to"`
	ToColumn string `toml:"to_column"`
}

type rawFiles struct {
	Column string `toml:"column"`
	Root   string `toml:"root"`
}

// stringList takes a string or a list of strings, as age_column and a
// related table's foreign_key, references and key do.
type stringList []string

// UnmarshalTOML implements toml.Unmarshaler.
func (l *stringList) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		*l = stringList{v}
	case []any:
		out := make(stringList, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return fmt.Errorf("wrong type: entry %d is %s, want a string", i+1, tomlTypeOf(e))
			}
			out[i] = s
		}
		*l = out
	default:
		return fmt.Errorf("wrong type: got %s, want a string or a list of strings", tomlTypeOf(v))
	}
	return nil
}

// decode reads the TOML strictly. It returns false when the problems found
// leave nothing worth validating.
func decode(data string, ps *problems) (*rawConfig, bool) {
	var doc map[string]any
	if _, err := toml.Decode(data, &doc); err != nil {
		ps.add(syntaxProblem(data, err))
		return nil, false
	}
	var sections rawSections
	md, err := toml.Decode(data, &sections)
	if err != nil {
		ps.add(typeProblem(err, -1, ""))
		return nil, false
	}

	raw := &rawConfig{Rules: make([]rawRule, len(sections.Rules))}
	if _, ok := doc["subject"]; ok {
		// Only a file that has the table has a data map.
		raw.Subject = &rawSubject{}
	}
	typeErrors := false
	for _, s := range []struct {
		prim toml.Primitive
		dst  any
	}{
		{sections.Database, &raw.Database},
		{sections.Sweeper, &raw.Sweeper},
		{sections.HTTP, &raw.HTTP},
		{sections.Log, &raw.Log},
		{sections.Mail, &raw.Mail},
		{sections.Subject, raw.Subject},
	} {
		if s.dst == (*rawSubject)(nil) {
			continue
		}
		if err := md.PrimitiveDecode(s.prim, s.dst); err != nil {
			ps.add(typeProblem(err, -1, ""))
			typeErrors = true
		}
	}
	names := ruleNames(doc)
	for i := range sections.Rules {
		if err := md.PrimitiveDecode(sections.Rules[i], &raw.Rules[i]); err != nil {
			p := typeProblem(err, i, ruleLabel(names[i], i))
			// The decoder keeps one position per key path, not per rule: the
			// line it gives may be another rule's that sets the same key.
			if p.key == "" || countKey(tables(doc["rule"]), strings.Split(p.key, ".")) != 1 {
				p.line = 0
			}
			ps.add(p)
			typeErrors = true
		}
	}

	reported := unknownKeys(doc, names, ps)
	if !typeErrors {
		// The schema walk above is exact about case, which the decoder is not;
		// Undecoded is the net for whatever the walk's view of the schema missed.
		for _, k := range md.Undecoded() {
			if !covered(reported, k.String()) {
				ps.add(problem{rule: -1, msg: fmt.Sprintf("unknown key %q", k.String())})
				reported = append(reported, k.String())
			}
		}
	}
	return raw, !typeErrors
}

// ruleNames returns the name of each [[rule]] as written, "" when it has none.
func ruleNames(doc map[string]any) []string {
	rules := tables(doc["rule"])
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i], _ = r["name"].(string)
	}
	return names
}

// countKey counts how often the key path is set across the given tables,
// descending into tables and arrays of tables.
func countKey(nodes []map[string]any, path []string) int {
	n := 0
	for _, node := range nodes {
		v, ok := node[path[0]]
		if !ok {
			continue
		}
		if len(path) == 1 {
			n++
			continue
		}
		if m, ok := v.(map[string]any); ok {
			n += countKey([]map[string]any{m}, path[1:])
		} else {
			n += countKey(tables(v), path[1:])
		}
	}
	return n
}

// tables returns an array of tables whether it was written as [[x]] or inline.
func tables(v any) []map[string]any {
	switch v := v.(type) {
	case []map[string]any:
		return v
	case []any:
		out := make([]map[string]any, 0, len(v))
		for _, e := range v {
			m, _ := e.(map[string]any)
			out = append(out, m)
		}
		return out
	}
	return nil
}

// covered reports whether key, or a table holding it, is in reported.
func covered(reported []string, key string) bool {
	for _, r := range reported {
		if key == r || strings.HasPrefix(key, r+".") {
			return true
		}
	}
	return false
}

// unknownKeys reports every key of doc the raw types do not name exactly.
// It returns the reported keys without rule positions, as Undecoded spells them.
func unknownKeys(doc map[string]any, names []string, ps *problems) []string {
	var reported []string
	w := keyWalker{report: func(rule int, path, plain, hint string) {
		p := problem{rule: rule, msg: fmt.Sprintf("unknown key %q%s", path, hint)}
		if rule >= 0 {
			p.label = ruleLabel(names[rule], rule)
		}
		ps.add(p)
		reported = append(reported, plain)
	}}
	top := reflect.TypeOf(rawConfig{})
	for _, k := range sortedKeys(doc) {
		f, ok := fieldByKey(top, k)
		if !ok {
			w.report(-1, k, k, suggest(top, k, ""))
			continue
		}
		if f.Name == "Rules" {
			for i, r := range tables(doc[k]) {
				w.walk(r, reflect.TypeOf(rawRule{}), i, "", "rule.")
			}
			continue
		}
		if m, ok := doc[k].(map[string]any); ok {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			w.walk(m, ft, -1, k+".", k+".")
		}
	}
	return reported
}

type keyWalker struct {
	report func(rule int, path, plain, hint string)
}

// walk checks the keys of one table against the struct type t. path is the
// key prefix shown to the operator (relative to the rule inside one), plain
// the same without positions.
func (w keyWalker) walk(node map[string]any, t reflect.Type, rule int, path, plain string) {
	for _, k := range sortedKeys(node) {
		f, ok := fieldByKey(t, k)
		if !ok {
			w.report(rule, path+k, plain+k, suggest(t, k, path))
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Struct:
			if m, ok := node[k].(map[string]any); ok {
				w.walk(m, ft, rule, path+k+".", plain+k+".")
			}
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			for j, m := range tables(node[k]) {
				w.walk(m, ft.Elem(), rule, fmt.Sprintf("%s%s[%d].", path, k, j+1), plain+k+".")
			}
		}
		// Maps ([rule.anonymise]) hold column names, which are free.
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fieldByKey finds the field whose toml tag is exactly key: the decoder
// would also take "Table" for "table", which a strict file must not.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if strings.Split(f.Tag.Get("toml"), ",")[0] == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// suggest offers the known key an unknown one was probably meant to be.
func suggest(t reflect.Type, key, path string) string {
	best, bestDist := "", 3
	for i := 0; i < t.NumField(); i++ {
		name := strings.Split(t.Field(i).Tag.Get("toml"), ",")[0]
		if strings.EqualFold(name, key) {
			return fmt.Sprintf(" (keys are case-sensitive: did you mean %q?)", path+name)
		}
		if d := editDistance(strings.ToLower(key), name); d < bestDist {
			best, bestDist = name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", path+best)
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return math.MaxInt
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
