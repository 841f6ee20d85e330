package sweeper

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

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
