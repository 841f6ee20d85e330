package sweeper

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/robfig/cron/v3"
)

// The values a key takes when the file leaves it out.
const (
	// defaultTimezone is UTC rather than Europe/Amsterdam: a shop that stores
	// local wall-clock times must say so, and a machine-independent default
	// keeps a forgotten key from silently depending on where the daemon runs.
	defaultTimezone        = "UTC"
	defaultSchedule        = "30 3 * * *"
	defaultBatchSize       = 1000
	defaultLockWaitTimeout = 5 * time.Second
	defaultMaxReplicaLag   = 10 * time.Second
	defaultAuditTable      = "sweeper_audit"
	defaultRedactText      = "[verwijderd]"
	defaultListen          = "127.0.0.1:9464"
	defaultLogLevel        = "info"
	defaultLogFormat       = "json"
	defaultMailPort        = 587
	defaultMailTLS         = "starttls"
	defaultMailTimeout     = 30 * time.Second

	// maxBatchSize bounds batch_size because a batch's keys travel as bound
	// parameters, and drivers cap how many one statement may carry.
	maxBatchSize = 10000
)

var (
	identifierPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)
	rulePattern       = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	envNamePattern    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// ConfigError lists every problem found in a config, so that an operator can
// fix them all in one go instead of one per restart. A config that fails to
// load was never used: nothing was touched.
type ConfigError struct {
	// Path is the file the problems were found in, "" when unknown.
	Path string
	// Problems are one line each, naming the key (and the rule) they are about.
	Problems []string
}

// Error writes one problem per line, each prefixed by the file name when known.
func (e *ConfigError) Error() string {
	if len(e.Problems) == 0 {
		return e.prefix() + "invalid config"
	}
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.prefix())
		b.WriteString(p)
	}
	return b.String()
}

func (e *ConfigError) prefix() string {
	if e.Path == "" {
		return ""
	}
	return e.Path + ": "
}

// LoadFile reads, decodes and validates the config file at path. Relative
// paths in it (reminder templates) are resolved against the file's directory.
// lookupEnv resolves ${NAME} in secrets; nil means os.LookupEnv.
//
// A problem with the content is a *ConfigError; a file that cannot be read
// is reported as such (errors.Is(err, fs.ErrNotExist) works).
func LoadFile(path string, lookupEnv func(string) (string, bool)) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Load(f, filepath.Dir(abs), lookupEnv)
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			ce.Path = path
		}
		return nil, err
	}
	c.Path = path
	return c, nil
}

// Load decodes and validates a config from r in layers: a strict decode
// (syntax errors, wrong types and unknown keys are errors), defaults for the
// keys left out, ${NAME} expansion in database.dsn, database.replicas,
// mail.password and sweeper.hash_key, then Validate. dir is the directory
// relative paths are resolved against ("" means the working directory).
//
// The defaults: sweeper.timezone "UTC" (set it to the zone the shop's
// timestamps are written in, e.g. "Europe/Amsterdam"), schedule "30 3 * * *",
// batch_size 1000, batch_time 0 (every batch batch_size rows), batch_pause,
// max_run_time and max_rows_per_run 0 (no limit), max_fraction 0 (off),
// lock_wait_timeout "5s", audit_table "sweeper_audit", redact_text
// "[verwijderd]", database.max_replica_lag "10s", http.listen
// "127.0.0.1:9464" ("" turns HTTP off), log.level "info", log.format "json",
// mail.port 587, mail.tls "starttls", mail.timeout "30s". A rule is enabled unless it says
// otherwise, takes schedule, batch_size and max_rows_per_run from [sweeper]
// when it does not set them, and reads its age values in sweeper.timezone
// unless it sets age_timezone. database.driver and database.dsn have no
// default.
//
// Every error Load returns is a *ConfigError, except a failing reader.
// Messages name the key, and the rule by its name or, when it has no valid
// name, by its position: rule[3] is the third [[rule]] of the file (related[2]
// likewise). They never hold the value of a secret.
func Load(r io.Reader, dir string, lookupEnv func(string) (string, bool)) (*Config, error) {
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	if dir == "" {
		dir = "."
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("config dir: %w", err)
	}

	var ps problems
	raw, ok := decode(string(data), &ps)
	if !ok {
		return nil, ps.err()
	}
	c := convert(raw, absDir, lookupEnv, &ps)
	// A key that could not be parsed at all has been reported; the checks
	// below would only repeat it as "missing".
	ps.hushReported()
	c.validate(&ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// Validate checks a config's values against each other and the rules of
// the config file, and reports every problem at once as a *ConfigError.
// Load calls it; it is exported for configs built in code.
func (c *Config) Validate() error {
	var ps problems
	c.validate(&ps)
	if err := ps.err(); err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			ce.Path = c.Path
		}
		return err
	}
	return nil
}

// problem is one line of a ConfigError.
type problem struct {
	line  int    // 0 when unknown
	col   int    // 0 when unknown
	rule  int    // index into the rules, -1 outside them
	label string // `rule "name"` or `rule[3]`
	key   string // relative to the rule when in one
	msg   string
}

func (p problem) String() string {
	var b strings.Builder
	switch {
	case p.line > 0 && p.col > 0:
		fmt.Fprintf(&b, "line %d, column %d: ", p.line, p.col)
	case p.line > 0:
		fmt.Fprintf(&b, "line %d: ", p.line)
	}
	if p.label != "" {
		b.WriteString(p.label)
		b.WriteString(": ")
	}
	if p.key != "" {
		b.WriteString(p.key)
		b.WriteString(": ")
	}
	b.WriteString(p.msg)
	return b.String()
}

// rank orders a problem by where its key sits in the file's layout:
// unknown keys and other keyless problems first, then by field.
func (p problem) rank() int {
	if p.key == "" {
		return -1
	}
	t := reflect.TypeOf(rawConfig{})
	if p.rule >= 0 {
		t = reflect.TypeOf(rawRule{})
	}
	first := strings.FieldsFunc(p.key, func(r rune) bool { return r == '.' || r == '[' })[0]
	for i := 0; i < t.NumField(); i++ {
		if strings.Split(t.Field(i).Tag.Get("toml"), ",")[0] == first {
			return i
		}
	}
	return t.NumField()
}

type problemKey struct {
	rule int
	key  string
}

// problems collects what is wrong with a config instead of stopping at the first.
type problems struct {
	list []problem
	hush map[problemKey]bool
}

func (ps *problems) add(p problem) {
	if ps.hush[problemKey{p.rule, p.key}] {
		return
	}
	ps.list = append(ps.list, p)
}

// hushReported silences later problems about keys that already have one.
func (ps *problems) hushReported() {
	if ps.hush == nil {
		ps.hush = make(map[problemKey]bool)
	}
	for _, p := range ps.list {
		ps.hush[problemKey{p.rule, p.key}] = true
	}
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	// Problems are found table by table and stage by stage; they are read
	// in the order of the file.
	sort.SliceStable(ps.list, func(i, j int) bool {
		a, b := ps.list[i], ps.list[j]
		if a.rule != b.rule {
			return a.rule < b.rule
		}
		return a.rank() < b.rank()
	})
	e := &ConfigError{Problems: make([]string, len(ps.list))}
	for i, p := range ps.list {
		e.Problems[i] = p.String()
	}
	return e
}

// scope is where problems are reported: the top of the file or one rule.
type scope struct {
	ps    *problems
	rule  int
	label string
}

func topScope(ps *problems) scope { return scope{ps: ps, rule: -1} }

func ruleScope(ps *problems, i int, name string) scope {
	return scope{ps: ps, rule: i, label: ruleLabel(name, i)}
}

func (s scope) addf(key, format string, args ...any) {
	s.ps.add(problem{rule: s.rule, label: s.label, key: key, msg: fmt.Sprintf(format, args...)})
}

// ruleLabel names a rule the way the operator wrote it, or by its position
// when its name cannot be trusted to identify it.
func ruleLabel(name string, i int) string {
	if rulePattern.MatchString(name) {
		return fmt.Sprintf("rule %q", name)
	}
	return fmt.Sprintf("rule[%d]", i+1)
}

// The raw* types are the file as written: strings where the Config holds
// parsed values, pointers where an absent key differs from a zero value.
type rawConfig struct {
	Database rawDatabase `toml:"database"`
	Sweeper  rawSettings `toml:"sweeper"`
	HTTP     rawHTTP     `toml:"http"`
	Log      rawLog      `toml:"log"`
	Mail     rawMail     `toml:"mail"`
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
	Reminder      *rawReminder      `toml:"reminder"`
	Files         *rawFiles         `toml:"files"`
	Schedule      *string           `toml:"schedule"`
	BatchSize     *int              `toml:"batch_size"`
	MaxRowsPerRun *int              `toml:"max_rows_per_run"`
}

type rawRelated struct {
	Table      string            `toml:"table"`
	ForeignKey string            `toml:"foreign_key"`
	Key        string            `toml:"key"`
	Action     string            `toml:"action"`
	Anonymise  map[string]string `toml:"anonymise"`
}

type rawReminder struct {
	Before      string   `toml:"before"`
	EmailColumn string   `toml:"email_column"`
	Columns     []string `toml:"columns"`
	Template    string   `toml:"template"`
}

type rawFiles struct {
	Column string `toml:"column"`
	Root   string `toml:"root"`
}

// stringList takes a string or a list of strings, as age_column does.
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
	} {
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
			w.walk(m, f.Type, -1, k+".", k+".")
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

var (
	// secretKeyLine finds a line that assigns one of the secret keys, also
	// dotted or inside an inline table.
	secretKeyLine = regexp.MustCompile(`(?:^|[\s{,."'])(?:dsn|replicas|password|hash_key)["']?\s*=`)
	// keyLine finds a line that starts another key or a table, which ends
	// the value of the key above it.
	keyLine = regexp.MustCompile(`^\s*(?:\[|(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*\s*=)`)
)

func isSecretKey(k string) bool {
	switch k {
	case "dsn", "replicas", "password", "hash_key":
		return true
	}
	return false
}

// syntaxProblem reports a TOML syntax error with its position. The parser
// quotes the text it choked on, so when that text may be a secret the
// message is withheld.
func syntaxProblem(data string, err error) problem {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return problem{rule: -1, msg: "invalid TOML: " + strings.TrimPrefix(err.Error(), "toml: ")}
	}
	line := pe.Position.Line
	if line == 0 {
		line = pe.Line
	}
	lastKey := pe.LastKey
	if i := strings.LastIndexByte(lastKey, '.'); i >= 0 {
		lastKey = lastKey[i+1:]
	}
	if isSecretKey(lastKey) || inSecretValue(data, line) {
		return problem{line: line, rule: -1, msg: "invalid TOML in a secret value (details withheld so the secret is not printed)"}
	}
	msg := "invalid TOML: " + pe.Message
	if pe.LastKey != "" {
		msg = fmt.Sprintf("invalid TOML (last key %q): %s", pe.LastKey, pe.Message)
	}
	return problem{line: line, col: pe.Position.Col, rule: -1, msg: msg}
}

// inSecretValue reports whether line (from 1) is part of a secret key's
// value, which may run over several lines (a replicas array).
func inSecretValue(data string, line int) bool {
	in := false
	for i, l := range strings.Split(data, "\n") {
		switch {
		case secretKeyLine.MatchString(l):
			in = true
		case keyLine.MatchString(l):
			in = false
		}
		if i+1 == line {
			return in
		}
	}
	return in
}

var (
	libTypeError = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "((?:[^"\\]|\\.)*)"\): (.*)$`)
	incompatible = regexp.MustCompile(`^incompatible types: TOML value has type (.+); destination has type (.+)$`)
	notATable    = regexp.MustCompile(`^type mismatch for .+: expected table but found (.+)$`)
)

// typeProblem turns the decoder's report of a wrong type into one that names
// the key relative to its rule, in TOML's words rather than Go's.
func typeProblem(err error, rule int, label string) problem {
	p := problem{rule: rule, label: label}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		p.line, p.key, p.msg = pe.Position.Line, pe.LastKey, pe.Message
	} else if m := libTypeError.FindStringSubmatch(err.Error()); m != nil {
		p.line, _ = strconv.Atoi(m[1])
		p.key, _ = strconv.Unquote(`"` + m[2] + `"`)
		p.msg = m[3]
	} else {
		p.msg = strings.TrimPrefix(err.Error(), "toml: ")
	}
	if rule >= 0 {
		p.key = strings.TrimPrefix(strings.TrimPrefix(p.key, "rule"), ".")
	}
	if m := incompatible.FindStringSubmatch(p.msg); m != nil {
		p.msg = fmt.Sprintf("wrong type: got %s, want %s", goToTOML(m[1]), goToTOML(m[2]))
	} else if m := notATable.FindStringSubmatch(p.msg); m != nil {
		p.msg = fmt.Sprintf("wrong type: got %s, want a table", goToTOML(m[1]))
	}
	if p.key == "rule" && rule < 0 && strings.Contains(p.msg, "want array") {
		p.msg += " (write each rule as [[rule]])"
	}
	return p
}

// goToTOML names the types in the decoder's messages as the TOML spec does.
func goToTOML(t string) string {
	switch t {
	case "string", "primitive (string-like)":
		return "string"
	case "int64", "integer":
		return "integer"
	case "float64", "float":
		return "float"
	case "bool", "boolean":
		return "boolean"
	case "time.Time":
		return "datetime"
	case "[]any", "slice":
		return "array"
	case "[]map[string]any":
		return "array of tables"
	case "map[string]any", "map":
		return "table"
	}
	return t
}

func tomlTypeOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "table"
	case []map[string]any:
		return "array of tables"
	}
	return goToTOML(strings.ReplaceAll(fmt.Sprintf("%T", v), "interface {}", "any"))
}

// convert applies defaults, expands secrets and parses the values that
// change type (periods, durations, zones), reporting what does not parse.
func convert(raw *rawConfig, dir string, lookupEnv func(string) (string, bool), ps *problems) *Config {
	top := topScope(ps)
	c := &Config{Dir: dir}
	// What ${NAME} reads goes into a secret: kept, so that errors can
	// leave it out.
	env := lookupEnv
	lookupEnv = func(name string) (string, bool) {
		v, ok := env(name)
		if ok && v != "" {
			c.Secrets = append(c.Secrets, v)
		}
		return v, ok
	}

	db := &c.Database
	db.Driver = raw.Database.Driver
	if db.Driver == "mariadb" {
		db.Driver = "mysql"
	}
	db.DSN = expandSecret(top, "database.dsn", raw.Database.DSN, lookupEnv)
	for i, r := range raw.Database.Replicas {
		db.Replicas = append(db.Replicas, expandSecret(top, fmt.Sprintf("database.replicas[%d]", i+1), r, lookupEnv))
	}
	db.MaxReplicaLag = parseDuration(top, "database.max_replica_lag", raw.Database.MaxReplicaLag, defaultMaxReplicaLag)

	s := &c.Sweeper
	rs := raw.Sweeper
	s.Timezone = parseLocation(top, "sweeper.timezone", rs.Timezone, nil)
	if s.Timezone == nil {
		// Reported; a stand-in keeps every rule from repeating the problem.
		s.Timezone = time.UTC
	}
	s.Schedule = orDefault(rs.Schedule, defaultSchedule)
	s.BatchSize = orDefault(rs.BatchSize, defaultBatchSize)
	s.BatchTime = parseDuration(top, "sweeper.batch_time", rs.BatchTime, 0)
	s.BatchPause = parseDuration(top, "sweeper.batch_pause", rs.BatchPause, 0)
	s.MaxRowsPerRun = rs.MaxRowsPerRun
	s.MaxRunTime = parseDuration(top, "sweeper.max_run_time", rs.MaxRunTime, 0)
	s.MaxFraction = orDefault(rs.MaxFraction, 0)
	s.LockWaitTimeout = parseDuration(top, "sweeper.lock_wait_timeout", rs.LockWaitTimeout, defaultLockWaitTimeout)
	s.AuditTable = orDefault(rs.AuditTable, defaultAuditTable)
	s.RedactText = orDefault(rs.RedactText, defaultRedactText)
	s.HashKey = expandSecret(top, "sweeper.hash_key", rs.HashKey, lookupEnv)

	c.HTTP.Listen = orDefault(raw.HTTP.Listen, defaultListen)
	c.Log.Level = orDefault(raw.Log.Level, defaultLogLevel)
	c.Log.Format = orDefault(raw.Log.Format, defaultLogFormat)

	rm := raw.Mail
	c.Mail = Mail{
		Host:     rm.Host,
		Port:     orDefault(rm.Port, defaultMailPort),
		Username: rm.Username,
		Password: expandSecret(top, "mail.password", rm.Password, lookupEnv),
		TLS:      orDefault(rm.TLS, defaultMailTLS),
		From:     rm.From,
		Timeout:  parseDuration(top, "mail.timeout", rm.Timeout, defaultMailTimeout),
	}
	if rm.Timeout != nil && c.Mail.Timeout == 0 {
		// Zero is the default only for a config built in code.
		top.addf("mail.timeout", "0s must be longer than 0")
	}

	for i := range raw.Rules {
		c.Rules = append(c.Rules, convertRule(&raw.Rules[i], ruleScope(ps, i, raw.Rules[i].Name), c))
	}
	return c
}

func convertRule(rr *rawRule, sc scope, c *Config) *Rule {
	r := &Rule{
		Name:          rr.Name,
		Description:   rr.Description,
		Basis:         rr.Basis,
		Enabled:       orDefault(rr.Enabled, true),
		Table:         rr.Table,
		Key:           rr.Key,
		AgeColumns:    []string(rr.AgeColumn),
		Where:         strings.TrimSpace(rr.Where),
		Action:        normaliseAction(rr.Action),
		Anonymise:     columnStrategies(rr.Anonymise),
		Schedule:      orDefault(rr.Schedule, c.Sweeper.Schedule),
		BatchSize:     orDefault(rr.BatchSize, c.Sweeper.BatchSize),
		MaxRowsPerRun: orDefault(rr.MaxRowsPerRun, c.Sweeper.MaxRowsPerRun),
	}
	if rr.AgeSQL != nil {
		r.AgeSQL = strings.TrimSpace(*rr.AgeSQL)
		if r.AgeSQL == "" {
			sc.addf("age_sql", "is empty (leave it out, or write an SQL expression)")
		}
	}
	r.AgeTimezone = parseLocation(sc, "age_timezone", rr.AgeTimezone, c.Sweeper.Timezone)
	r.AgeTimezoneSet = rr.AgeTimezone != nil
	if rr.OlderThan == "" {
		sc.addf("older_than", `required (e.g. "6 months" or "P6M")`)
	} else if p, err := ParsePeriod(rr.OlderThan); err != nil {
		sc.addf("older_than", "%v", err)
	} else {
		r.OlderThan = p
	}
	for _, rel := range rr.Related {
		r.Related = append(r.Related, Related{
			Table:      rel.Table,
			ForeignKey: rel.ForeignKey,
			Key:        rel.Key,
			Action:     normaliseAction(rel.Action),
			Anonymise:  columnStrategies(rel.Anonymise),
		})
	}
	if rem := rr.Reminder; rem != nil {
		r.Reminder = &Reminder{
			EmailColumn: rem.EmailColumn,
			Columns:     rem.Columns,
		}
		if rem.Before == "" {
			sc.addf("reminder.before", `required (e.g. "1 month")`)
		} else if p, err := ParsePeriod(rem.Before); err != nil {
			sc.addf("reminder.before", "%v", err)
		} else {
			r.Reminder.Before = p
		}
		if rem.Template != "" {
			r.Reminder.Template = rem.Template
			if !filepath.IsAbs(rem.Template) {
				r.Reminder.Template = filepath.Join(c.Dir, rem.Template)
			}
		}
	}
	if f := rr.Files; f != nil {
		r.Files = &Files{Column: f.Column, Root: f.Root}
		if f.Root != "" {
			r.Files.Root = filepath.Clean(f.Root)
		}
	}
	return r
}

func orDefault[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

func normaliseAction(s string) Action {
	if s == "anonymize" {
		return ActionAnonymise
	}
	return Action(s)
}

// columnStrategies sorts the columns so that statements, plans and audit
// details come out the same on every run.
func columnStrategies(m map[string]string) []ColumnStrategy {
	if len(m) == 0 {
		return nil
	}
	out := make([]ColumnStrategy, 0, len(m))
	for col, st := range m {
		out = append(out, ColumnStrategy{Column: col, Strategy: Strategy(st)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Column < out[j].Column })
	return out
}

func parseDuration(sc scope, key string, s *string, def time.Duration) time.Duration {
	if s == nil {
		return def
	}
	d, err := time.ParseDuration(*s)
	if err != nil {
		sc.addf(key, `%q is not a duration (use e.g. "5s", "1m30s", "0s")`, *s)
		return def
	}
	return d
}

// parseLocation reads a zone name; an absent key gives def, or the default
// zone when def is nil.
func parseLocation(sc scope, key string, s *string, def *time.Location) *time.Location {
	if s == nil {
		if def != nil {
			return def
		}
		loc, _ := time.LoadLocation(defaultTimezone)
		return loc
	}
	switch *s {
	case "":
		sc.addf(key, `is empty (name a zone such as "Europe/Amsterdam" or "UTC")`)
		return nil
	case "Local":
		sc.addf(key, `"Local" depends on the machine the sweeper runs on; name a zone such as "Europe/Amsterdam"`)
		return nil
	}
	loc, err := time.LoadLocation(*s)
	if err != nil {
		sc.addf(key, `%q is not a time zone (use an IANA name such as "Europe/Amsterdam" or "UTC")`, *s)
		return nil
	}
	return loc
}

// expandSecret replaces ${NAME} with the environment variable NAME. Its
// messages name the key and the variable, never the value around them.
func expandSecret(sc scope, key, s string, lookupEnv func(string) (string, bool)) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		rest := s[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			sc.addf(key, "${ without a closing } (write ${NAME})")
			return ""
		}
		name := rest[:j]
		if !envNamePattern.MatchString(name) {
			sc.addf(key, "${...} must hold an environment variable name: letters, digits and underscores")
			return ""
		}
		v, ok := lookupEnv(name)
		if !ok {
			sc.addf(key, "environment variable %s is not set", name)
			return ""
		}
		b.WriteString(v)
		s = rest[j+1:]
	}
}

// validate checks the parsed values. The database's own view (do the tables
// and columns exist) is for check, not for here.
func (c *Config) validate(ps *problems) {
	top := topScope(ps)

	switch c.Database.Driver {
	case "mysql", "sqlite", "postgres":
	case "":
		top.addf("database.driver", "required: mysql (also for MariaDB), sqlite or postgres")
	default:
		// A DSN pasted into the wrong key must not be echoed: only a value
		// that looks like a driver name is shown.
		shown := "this value"
		if len(c.Database.Driver) <= 20 && envNamePattern.MatchString(c.Database.Driver) {
			shown = strconv.Quote(c.Database.Driver)
		}
		top.addf("database.driver", "%s is not supported: use mysql (also for MariaDB), sqlite or postgres", shown)
	}
	if c.Database.DSN == "" {
		top.addf("database.dsn", "required")
	}
	for i, r := range c.Database.Replicas {
		if r == "" {
			top.addf(fmt.Sprintf("database.replicas[%d]", i+1), "is empty")
		}
	}
	nonNegative(top, "database.max_replica_lag", c.Database.MaxReplicaLag)

	s := c.Sweeper
	if s.Timezone == nil {
		top.addf("sweeper.timezone", "required")
	}
	loc := s.Timezone
	if loc == nil {
		loc = time.UTC
	}
	checkSchedule(top, "sweeper.schedule", s.Schedule, loc)
	checkBatchSize(top, "sweeper.batch_size", s.BatchSize)
	nonNegative(top, "sweeper.batch_time", s.BatchTime)
	nonNegative(top, "sweeper.batch_pause", s.BatchPause)
	if s.MaxRowsPerRun < 0 {
		top.addf("sweeper.max_rows_per_run", "%d is negative (0 means no cap)", s.MaxRowsPerRun)
	}
	nonNegative(top, "sweeper.max_run_time", s.MaxRunTime)
	if !(s.MaxFraction >= 0 && s.MaxFraction <= 1) {
		top.addf("sweeper.max_fraction", "%v is outside 0..1 (a share of the table; 0 turns the breaker off)", s.MaxFraction)
	}
	if s.LockWaitTimeout <= 0 {
		top.addf("sweeper.lock_wait_timeout", "%s must be longer than 0", s.LockWaitTimeout)
	}
	checkIdentifier(top, "sweeper.audit_table", s.AuditTable, true)

	if l := c.HTTP.Listen; l != "" {
		if _, port, err := net.SplitHostPort(l); err != nil || port == "" {
			top.addf("http.listen", `%q is not host:port (e.g. "127.0.0.1:9464"; "" turns HTTP off)`, l)
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		top.addf("log.level", "%q is not a level: use debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "json", "console":
	default:
		top.addf("log.format", "%q is not a format: use json or console", c.Log.Format)
	}

	m := c.Mail
	switch m.TLS {
	case "none", "starttls", "tls":
	default:
		top.addf("mail.tls", "%q is not a mode: use none, starttls or tls", m.TLS)
	}
	if m.Port < 1 || m.Port > 65535 {
		top.addf("mail.port", "%d is outside 1..65535", m.Port)
	}
	if m.Timeout < 0 {
		top.addf("mail.timeout", "%s must be longer than 0", m.Timeout)
	}
	if m.From != "" {
		if _, err := mail.ParseAddress(m.From); err != nil {
			top.addf("mail.from", "%q is not a mail address (e.g. \"Shop <info@shop.nl>\")", m.From)
		}
	}

	if len(c.Rules) == 0 {
		top.addf("rule", "no rules: at least one [[rule]] is required")
	}
	firstUse := make(map[string]int)
	var reminderRule, hashRule string
	for i, r := range c.Rules {
		sc := ruleScope(ps, i, r.Name)
		switch {
		case r.Name == "":
			sc.addf("name", "required")
		case !rulePattern.MatchString(r.Name):
			sc.addf("name", "%q may only hold lowercase letters, digits and '-', and must start with a letter or digit", r.Name)
		default:
			if j, dup := firstUse[r.Name]; dup {
				sc.addf("name", "%q is already the name of rule[%d]; names must be unique", r.Name, j+1)
			} else {
				firstUse[r.Name] = i
			}
		}
		r.validate(sc, c)
		if r.Reminder != nil && reminderRule == "" {
			reminderRule = sc.label
		}
		if hashRule == "" && r.usesHash() {
			hashRule = sc.label
		}
	}
	if reminderRule != "" {
		if m.Host == "" {
			top.addf("mail.host", "required because %s has a [rule.reminder]", reminderRule)
		}
		if m.From == "" {
			top.addf("mail.from", "required because %s has a [rule.reminder]", reminderRule)
		}
	}
	if hashRule != "" && s.HashKey == "" {
		top.addf("sweeper.hash_key", `required because %s uses the "hash" strategy`, hashRule)
	}
}

func (r *Rule) usesHash() bool {
	for _, a := range r.Anonymise {
		if a.Strategy == StrategyHash {
			return true
		}
	}
	for _, rel := range r.Related {
		for _, a := range rel.Anonymise {
			if a.Strategy == StrategyHash {
				return true
			}
		}
	}
	return false
}

func (r *Rule) validate(sc scope, c *Config) {
	checkIdentifier(sc, "table", r.Table, true)
	checkIdentifier(sc, "key", r.Key, false)

	switch {
	case len(r.AgeColumns) > 0 && r.AgeSQL != "":
		sc.addf("age_column", "age_column and age_sql are both set; use one")
	case len(r.AgeColumns) == 0 && r.AgeSQL == "":
		sc.addf("age_column", "required: set age_column (or age_sql) to what dates a row")
	}
	for i, col := range r.AgeColumns {
		key := "age_column"
		if len(r.AgeColumns) > 1 {
			key = fmt.Sprintf("age_column[%d]", i+1)
		}
		checkIdentifier(sc, key, col, true)
	}
	if r.AgeSQL != "" {
		checkFragment(sc, "age_sql", r.AgeSQL, c.Database.Driver)
	}
	if r.AgeTimezone == nil {
		sc.addf("age_timezone", "required")
	}
	if r.OlderThan.IsZero() {
		sc.addf("older_than", `required (e.g. "6 months" or "P6M")`)
	}
	if r.Where != "" {
		checkFragment(sc, "where", r.Where, c.Database.Driver)
	}

	switch r.Action {
	case ActionDelete:
		if len(r.Anonymise) > 0 {
			sc.addf("anonymise", `a rule with action "delete" must not have [rule.anonymise]`)
		}
	case ActionAnonymise:
		if len(r.Anonymise) == 0 {
			sc.addf("anonymise", `action "anonymise" needs a [rule.anonymise] table naming at least one column`)
		}
	case "":
		sc.addf("action", "required: delete or anonymise")
	case ActionDetach:
		sc.addf("action", `"detach" is only for [[rule.related]]; use delete or anonymise`)
	default:
		sc.addf("action", "%q is not an action: use delete or anonymise", r.Action)
	}
	checkStrategies(sc, "anonymise", r.Anonymise)

	seen := make(map[string]int)
	for i, rel := range r.Related {
		p := fmt.Sprintf("related[%d].", i+1)
		checkIdentifier(sc, p+"table", rel.Table, true)
		checkIdentifier(sc, p+"foreign_key", rel.ForeignKey, true)
		checkIdentifier(sc, p+"key", rel.Key, false)
		if rel.Table != "" {
			if j, dup := seen[rel.Table]; dup {
				sc.addf(p+"table", "%q is already handled by related[%d]; a table may appear once per rule", rel.Table, j+1)
			} else {
				seen[rel.Table] = i
			}
		}
		switch rel.Action {
		case ActionDelete, ActionDetach:
			if len(rel.Anonymise) > 0 {
				sc.addf(p+"anonymise", "a related table with action %q must not have [rule.related.anonymise]", rel.Action)
			}
		case ActionAnonymise:
			if len(rel.Anonymise) == 0 {
				sc.addf(p+"anonymise", `action "anonymise" needs a [rule.related.anonymise] table naming at least one column`)
			}
		case "":
			sc.addf(p+"action", "required: delete, anonymise or detach")
		default:
			sc.addf(p+"action", "%q is not an action: use delete, anonymise or detach", rel.Action)
		}
		checkStrategies(sc, p+"anonymise", rel.Anonymise)
	}

	if rem := r.Reminder; rem != nil {
		if rem.Before.IsZero() {
			sc.addf("reminder.before", `required (e.g. "1 month")`)
		} else if !r.OlderThan.IsZero() && !shorter(rem.Before, r.OlderThan) {
			sc.addf("reminder.before", "%q must be shorter than older_than (%q)", rem.Before, r.OlderThan)
		}
		if rem.EmailColumn == "" {
			sc.addf("reminder.email_column", "required: the column holding the address to remind")
		} else {
			checkIdentifier(sc, "reminder.email_column", rem.EmailColumn, true)
		}
		for i, col := range rem.Columns {
			checkIdentifier(sc, fmt.Sprintf("reminder.columns[%d]", i+1), col, true)
		}
		checkTemplate(sc, rem.Template)
		if r.Action != ActionDelete && r.Action != "" {
			sc.addf("reminder", "a reminder announces a deletion: only a rule with action \"delete\" may have one")
		}
	}
	if f := r.Files; f != nil {
		checkIdentifier(sc, "files.column", f.Column, true)
		switch {
		case f.Root == "":
			sc.addf("files.root", "required: the directory the files live under")
		case !filepath.IsAbs(f.Root):
			sc.addf("files.root", "%q is not an absolute path", f.Root)
		case filepath.Clean(f.Root) == string(filepath.Separator):
			sc.addf("files.root", `"/" would let a row name any file on the machine; name the directory the files live under`)
		}
	}

	// A rule that inherits a bad global value has had it reported once, at [sweeper].
	if r.Schedule != c.Sweeper.Schedule {
		loc := c.Sweeper.Timezone
		if loc == nil {
			loc = time.UTC
		}
		checkSchedule(sc, "schedule", r.Schedule, loc)
	}
	if r.BatchSize != c.Sweeper.BatchSize {
		checkBatchSize(sc, "batch_size", r.BatchSize)
	}
	if r.MaxRowsPerRun < 0 && r.MaxRowsPerRun != c.Sweeper.MaxRowsPerRun {
		sc.addf("max_rows_per_run", "%d is negative (0 means no cap)", r.MaxRowsPerRun)
	}
}

// shorter reports whether a is shorter than b from every one of a few dates
// chosen for their awkward month ends, so that "1 month" against "30 days"
// is not decided by luck.
func shorter(a, b Period) bool {
	for _, ref := range []time.Time{
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 7, 31, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		if !a.Before(ref).After(b.Before(ref)) {
			return false
		}
	}
	return true
}

func checkTemplate(sc scope, path string) {
	if path == "" {
		sc.addf("reminder.template", "required: the mail template, relative to the config file")
		return
	}
	if !filepath.IsAbs(path) {
		sc.addf("reminder.template", "%q is not an absolute path", path)
		return
	}
	// Stat before opening: opening a FIFO or a device could block the load.
	st, err := os.Stat(path)
	if err != nil {
		sc.addf("reminder.template", "%v", err)
		return
	}
	if st.IsDir() {
		sc.addf("reminder.template", "%s is a directory, not a template file", path)
		return
	}
	if !st.Mode().IsRegular() {
		sc.addf("reminder.template", "%s is not a regular file", path)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		sc.addf("reminder.template", "%v", err)
		return
	}
	f.Close()
}

func checkStrategies(sc scope, key string, cols []ColumnStrategy) {
	seen := make(map[string]bool)
	for _, cs := range cols {
		k := key + "." + cs.Column
		checkIdentifier(sc, k, cs.Column, true)
		if seen[cs.Column] {
			sc.addf(k, "column listed twice")
		}
		seen[cs.Column] = true
		switch cs.Strategy {
		case StrategyNull, StrategyEmpty, StrategyRedact, StrategyHash, StrategyEmail:
		default:
			sc.addf(k, "%q is not a strategy: use null, empty, redact, hash or email", cs.Strategy)
		}
	}
}

// checkIdentifier refuses anything but a plain SQL identifier: names are
// spliced into statements, so a quote, backtick, dot or semicolon in one
// would change what the statement does.
func checkIdentifier(sc scope, key, name string, required bool) {
	if name == "" {
		if required {
			sc.addf(key, "required")
		}
		return
	}
	if !identifierPattern.MatchString(name) {
		sc.addf(key, "%q is not an identifier: identifiers may only hold letters, digits and underscores, start with a letter or underscore, and have at most 64 characters", name)
	}
}

func nonNegative(sc scope, key string, d time.Duration) {
	if d < 0 {
		sc.addf(key, "%s is negative", d)
	}
}

func checkBatchSize(sc scope, key string, n int) {
	if n < 1 || n > maxBatchSize {
		sc.addf(key, "%d is outside 1..%d (a batch's keys are bound parameters of one statement)", n, maxBatchSize)
	}
}

// checkSchedule accepts what the scheduler will: robfig/cron's standard
// parser, and only specs that fire at all.
func checkSchedule(sc scope, key, spec string, loc *time.Location) {
	sched, err := parseSchedule(spec)
	if err != nil {
		sc.addf(key, `%q is not a schedule (use 5 fields such as "30 3 * * *", or @daily, @every 1h): %v`, spec, err)
		return
	}
	ref := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	if sched.Next(ref).IsZero() {
		sc.addf(key, "%q never fires", spec)
	}
}

func parseSchedule(spec string) (s cron.Schedule, err error) {
	// cron v3.0.1 slices past the end of a TZ= prefix with no schedule after it.
	if (strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=")) && !strings.Contains(spec, " ") {
		return nil, errors.New("a TZ= prefix must be followed by a space and a schedule")
	}
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("cron parser: %v", r)
		}
	}()
	return cron.ParseStandard(spec)
}

// checkFragment refuses SQL fragments that could do more than state a
// condition or an expression: a second statement, a comment that swallows
// the rest of ours, a placeholder that shifts our bound values, or a
// parenthesis that closes ours (a where of "1) OR (1" would match every row).
func checkFragment(sc scope, key, sql, driver string) {
	if msg := scanFragment(sql, driver == "mysql"); msg != "" {
		sc.addf(key, "%q %s", sql, msg)
	}
}
