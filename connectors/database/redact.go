package database

import (
	"errors"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// redactor removes secrets from error texts and keeps everything else: a
// login error must name the user, host and database the server saw, and
// give the server's reason, for the operator to fix it.
type redactor struct {
	secrets *regexp.Regexp // nil: nothing to remove
	// short are the secrets of fewer than shortSecret characters, removed
	// only where they stand apart from letters and digits: a one-letter
	// password removed inside every word would leave the server's reason
	// unreadable, while a password echoed by a driver stands apart.
	short *regexp.Regexp
}

// shortSecret is the length from which a secret is removed wherever it
// appears.
const shortSecret = 4

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
	var long, short []string
	for _, f := range forms {
		if utf8.RuneCountInString(f) < shortSecret {
			short = append(short, f)
		} else {
			long = append(long, f)
		}
	}
	return redactor{secrets: alternatives("", long, ""), short: alternatives(`(^|[^\pL\pN])(?:`, short, `)([^\pL\pN]|$)`)}
}

// alternatives is a case-insensitive regexp of head, any of forms, tail;
// nil without forms. Case-insensitive: percent-encoding may come back in
// either case.
func alternatives(head string, forms []string, tail string) *regexp.Regexp {
	if len(forms) == 0 {
		return nil
	}
	// Longest first, so that no part of a longer secret is left behind
	// after a shorter one inside it was replaced.
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	quoted := make([]string, len(forms))
	for i, f := range forms {
		quoted[i] = regexp.QuoteMeta(f)
	}
	return regexp.MustCompile("(?i)" + head + strings.Join(quoted, "|") + tail)
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
	if r.secrets != nil {
		s = r.secrets.ReplaceAllLiteralString(s, "<secret>")
	}
	if r.short != nil {
		// Twice: a match takes the separator after it, which the next
		// occurrence needs before it.
		for range 2 {
			s = r.short.ReplaceAllString(s, "${1}<secret>${2}")
		}
	}
	return s
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
