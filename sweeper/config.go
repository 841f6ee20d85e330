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

	// Pace is PaceFull or PaceGentle (throttle.go).
	Pace string
	// MaxLoad and CriticalLoad are the server's running statements
	// (Dialect.Load) at which a sweep waits at a batch boundary, or stops
	// with an error; 0 is off.
	MaxLoad, CriticalLoad int
	// PauseFile holds every sweep at its next batch boundary while it
	// exists; "" for none.
	PauseFile string
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
	// StrategyValue writes a fixed value (ColumnStrategy.Value), written
	// "value:0" in the config: for NOT NULL columns that are not text, such
	// as a salutation's number or a user id that means "nobody" as 0.
	StrategyValue Strategy = "value"
)

// ColumnStrategy is one entry of an [rule.anonymise] table.
type ColumnStrategy struct {
	Column   string
	Strategy Strategy
	// Value is what StrategyValue writes, as text; check holds it against
	// the column's type.
	Value string
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
	Refers   []Refers
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

// Related is one [[rule.related]]: rows of another table that go with the
// rule's row, or, nested as [[rule.related.related]], with a related row.
type Related struct {
	Table string
	// ForeignKey are the related table's columns that refer to the row
	// it goes with (its parent), in the order of References.
	ForeignKey []string
	// References are the parent's columns the foreign key refers to; nil
	// means the parent's key. They must identify a parent row (its primary
	// key or a unique index).
	References []string
	// Key are the related table's columns that identify its rows, for its
	// statements and audit records; nil means its primary key, of however
	// many columns.
	Key       []string
	Action    Action // delete, anonymise or detach
	Anonymise []ColumnStrategy
	// Related are the rows that go with each related row: handled before
	// it, in the same transaction, whatever its action.
	Related []Related
}

// Refers is one [[rule.refers]]: rows the rule's row points at (its Column
// holds their key), rather than rows that point at it: an order's
// addresses. They go after the rule's row, in its transaction, and only
// when no other row still refers to them.
type Refers struct {
	Table string
	// Column is the rule's table's column that holds the referred row's key.
	Column string
	// Key is the referred table's column Column holds; "" means its
	// single-column primary key.
	Key       string
	Action    Action // delete or anonymise
	Anonymise []ColumnStrategy
	// Where is an SQL condition on the referred row (its table named as
	// itself) that must hold too: the place for a hold.
	Where string
	// ReferredBy are more columns ("table.column") that refer to the
	// referred rows, beside the foreign keys the database declares and the
	// rule's own refers columns: a referred row that one of them still
	// names is kept.
	ReferredBy []string
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
