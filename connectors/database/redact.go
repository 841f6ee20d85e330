package database

import (
	"errors"
	"net/url"
	"regexp"
	"sort"
	"strings"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// redactor removes secrets from error texts and keeps everything else: a
// login error must name the user, host and database the server saw, and
// give the server's reason, for the operator to fix it.
type redactor struct {
	secrets *regexp.Regexp // nil: nothing to remove
}

// newRedactor removes each secret as written and in the URL-encoded forms a
// driver or a URL parser may echo it in. Values equal to one of keep (the
// DSN's user, host and database, when ${NAME} supplied them) are no
// secrets and stay.
func newRedactor(secrets []string, keep ...string) redactor {
	kept := map[string]bool{}
	for _, k := range keep {
		kept[k] = true
	}
	seen := map[string]bool{}
	var forms []string
	for _, s := range secrets {
		if s == "" || kept[s] {
			continue
		}
		for _, f := range []string{s, url.QueryEscape(s), url.PathEscape(s), strings.TrimPrefix(url.UserPassword("", s).String(), ":")} {
			if f != "" && !seen[f] {
				seen[f] = true
				forms = append(forms, f)
			}
		}
	}
	if len(forms) == 0 {
		return redactor{}
	}
	// Longest first, so that no part of a longer secret is left behind
	// after a shorter one inside it was replaced.
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	for i, f := range forms {
		forms[i] = regexp.QuoteMeta(f)
	}
	// Case-insensitive: percent-encoding may come back in either case.
	return redactor{secrets: regexp.MustCompile("(?i)" + strings.Join(forms, "|"))}
}

// dsnSecrets returns the password of a DSN and the parts of it that are no
// secret, as the driver reads them.
func dsnSecrets(driver, dsn string) (password string, public []string) {
	switch driver {
	case "mysql", "mariadb":
		if cfg, err := gomysql.ParseDSN(dsn); err == nil {
			return cfg.Passwd, []string{cfg.User, cfg.Addr, cfg.DBName}
		}
	case "postgres":
		if cfg, err := pgx.ParseConfig(dsn); err == nil {
			return cfg.Password, []string{cfg.User, cfg.Host, cfg.Database}
		}
	}
	return "", nil
}

func (r redactor) text(s string) string {
	if r.secrets == nil {
		return s
	}
	return r.secrets.ReplaceAllLiteralString(s, "<secret>")
}

// error returns err with the secrets removed from its text. errors.Is and
// errors.As still see the driver's error (a MySQLError's number, a
// PgError's code), whose own text is never printed.
func (r redactor) error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := r.text(msg)
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// loginHint says in the operator's terms what a login error means and
// where to fix it, or "" for errors that are not about logging in.
func loginHint(err error) string {
	var me *gomysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1045, 1698: // wrong user or password, or no account for the host the server saw
			return "check the user and password in database.dsn, and that the server has an account for this user " +
				"at the host it names (see Grants in README)"
		case 1044: // the user has no privilege on the database
			return "the user has no grants on this database (see Grants in README)"
		case 1049:
			return "check the database name after the slash in database.dsn"
		}
		return ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01":
			return "access denied: check the user and password in database.dsn"
		case "28000":
			return "access denied: the server's pg_hba.conf does not let this user in from this host to this database"
		case "3D000":
			return "check the database name in database.dsn"
		}
	}
	return ""
}
