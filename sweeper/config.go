package sweeper

import "time"

// Config is a loaded and validated configuration: every value is parsed,
// defaulted and resolved, so the engine never sees raw TOML.
type Config struct {
	// Path is the file the config was read from ("" when read from a reader).
	Path string
	// Dir is the directory relative paths (templates) are resolved against.
	Dir string

	Database Database
	Sweeper  Settings
	HTTP     HTTP
	Log      Log
	Mail     Mail
	Rules    []*Rule
	// Subject is the data map of [subject]: who a person is and where
	// their rows are. nil when the config has none.
	Subject *Subject

	// Secrets are the values ${NAME} read from the environment, all of
	// them parts of secrets: never print them.
	Secrets []string
}

// Database is the [database] table.
type Database struct {
	Driver        string // "mysql", "sqlite" or "postgres"
	DSN           string // secret: never log or print it
	Replicas      []string
	MaxReplicaLag time.Duration
}

// Settings is the [sweeper] table.
type Settings struct {
	Timezone        *time.Location
	Schedule        string
	BatchSize       int
	BatchTime       time.Duration // 0: every batch is batch_size rows
	BatchPause      time.Duration
	MaxRowsPerRun   int
	MaxRunTime      time.Duration
	MaxFraction     float64
	LockWaitTimeout time.Duration
	AuditTable      string
	RedactText      string
	HashKey         string // secret: never log or print it
}

// HTTP is the [http] table.
type HTTP struct {
	Listen string
}

// Log is the [log] table.
type Log struct {
	Level  string
	Format string
}

// Mail is the [mail] table.
type Mail struct {
	Host     string
	Port     int
	Username string
	Password string // secret: never log or print it
	TLS      string // "none", "starttls" or "tls"
	From     string
	// Timeout bounds one mail, from connecting to the server's last
	// answer; 0 means 30 s.
	Timeout time.Duration
}

// Action is what a rule does to a due row.
type Action string

// The actions a rule or a related table can take.
const (
	ActionDelete    Action = "delete"
	ActionAnonymise Action = "anonymise"
	ActionDetach    Action = "detach" // related tables only
)

// Strategy is how the anonymise action overwrites one column.
type Strategy string

// The anonymisation strategies.
const (
	StrategyNull   Strategy = "null"
	StrategyEmpty  Strategy = "empty"
	StrategyRedact Strategy = "redact"
	StrategyHash   Strategy = "hash"
	StrategyEmail  Strategy = "email"
)

// ColumnStrategy is one entry of an [rule.anonymise] table.
type ColumnStrategy struct {
	Column   string
	Strategy Strategy
}

// Rule is one [[rule]]: a retention promise the sweeper keeps.
type Rule struct {
	Name        string
	Description string
	Basis       string
	Enabled     bool

	Table string
	// Key is the column that identifies a row; "" means the table's
	// single-column primary key, found in the live schema.
	Key string

	// Exactly one of AgeColumns and AgeSQL is set.
	AgeColumns  []string
	AgeSQL      string
	AgeTimezone *time.Location // never nil after loading: defaults to Settings.Timezone
	// AgeTimezoneSet says the rule gave age_timezone: an age_sql whose
	// type the database cannot tell is then wall-clock time in it.
	AgeTimezoneSet bool

	OlderThan Period
	Where     string

	Action    Action           // ActionDelete or ActionAnonymise
	Anonymise []ColumnStrategy // sorted by column, non-empty for ActionAnonymise

	Related  []Related
	Reminder *Reminder
	Files    *Files

	// KeepOnRequest says a request to erase a person does not touch the
	// rule's rows: a legal duty keeps them, and Basis says which.
	KeepOnRequest bool

	// Resolved from the rule or, when the rule does not set them, [sweeper].
	Schedule      string
	BatchSize     int
	MaxRowsPerRun int
}

// Related is one [[rule.related]]: rows of another table that go with the rule's row.
type Related struct {
	Table      string
	ForeignKey string
	// Key is the related table's own row identifier for audit records;
	// "" means its single-column primary key.
	Key       string
	Action    Action // delete, anonymise or detach
	Anonymise []ColumnStrategy
}

// Reminder is [rule.reminder]: the mail promised before a row is deleted.
type Reminder struct {
	Before      Period
	EmailColumn string
	Columns     []string
	Template    string // absolute path, resolved against Config.Dir
}

// Files is [rule.files]: a file named by a column that goes with its row.
type Files struct {
	Column string
	Root   string
}
