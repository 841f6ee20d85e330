package database

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"
)

// TestRedactor holds the rule for error texts: the password goes, in every
// form a driver may echo it, and so does a value ${NAME} put into the DSN;
// the user, host and database the operator needs stay, also when ${NAME}
// supplied them.
func TestRedactor(t *testing.T) {
	const password = "Geheim wacht/woord@42%!"
	dsn := "sweeper:" + password + "@tcp(db.shop.internal:3306)/shop"
	pw, public := dsnSecrets("mysql", dsn)
	if pw != password {
		t.Fatalf("dsnSecrets: got password %q, want %q", pw, password)
	}
	// SWEEPER_DB_USER and SWEEPER_DB_HOST were read from the environment
	// too; SWEEPER_TOKEN is a secret of another key.
	r := newRedactor([]string{pw, dsn, "sweeper", "db.shop.internal:3306", "Token-Waarde-7"}, public...)

	for _, leak := range []string{password, url.QueryEscape(password), url.PathEscape(password),
		url.UserPassword("sweeper", password).String(), strings.ToLower(url.QueryEscape(password)), dsn, "Token-Waarde-7"} {
		msg := "connect to shop: server said: " + leak + " is wrong for user 'sweeper'@'db.shop.internal:3306'"
		got := r.text(msg)
		if strings.Contains(got, password) || strings.Contains(got, leak) || strings.Contains(got, "wacht") {
			t.Errorf("text(%q) = %q: the secret is still there", msg, got)
		}
		for _, keep := range []string{"connect to shop", "server said", "user 'sweeper'@'db.shop.internal:3306'", "<secret>"} {
			if !strings.Contains(got, keep) {
				t.Errorf("text(%q) = %q: want %q kept", msg, got, keep)
			}
		}
	}

	// The driver's error stays reachable for errors.As (Retryable, the
	// login hints), while its text with the secret is not printed.
	driverErr := &gomysql.MySQLError{Number: 1045, Message: "Access denied, password " + password}
	err := r.error(driverErr)
	var me *gomysql.MySQLError
	if !errors.As(err, &me) || me.Number != 1045 {
		t.Errorf("error(): errors.As lost the MySQLError: %v", err)
	}
	if strings.Contains(err.Error(), password) {
		t.Errorf("error() = %q: the password is still there", err)
	}
	plain := errors.New("dial tcp 127.0.0.1:1: connection refused")
	if got := r.error(plain); got != plain {
		t.Errorf("error() of a text without secrets: got %v, want it unchanged", got)
	}

	pw, public = dsnSecrets("postgres", "postgres://"+url.UserPassword("sweeper", password).String()+"@db.shop.internal:5432/shop")
	if pw != password || strings.Join(public, " ") != "sweeper db.shop.internal shop" {
		t.Errorf("dsnSecrets(postgres): got %q %q, want the decoded password and user, host, database", pw, public)
	}
}

// TestRedactor_ShortSecret: a password of a few characters is removed where
// it stands apart, and not from inside the words of the server's reason.
func TestRedactor_ShortSecret(t *testing.T) {
	r := newRedactor([]string{"E", "x9"})
	for msg, want := range map[string]string{
		"Access denied for user 'shop'@'localhost' (using password: YES)": "Access denied for user 'shop'@'localhost' (using password: YES)",
		"password E is wrong":          "password <secret> is wrong",
		"E":                            "<secret>",
		"shop:E@tcp(db:3306)/E E,e":    "shop:<secret>@tcp(db:3306)/<secret> <secret>,<secret>",
		"token x9, again X9; ax9 x9b.": "token <secret>, again <secret>; ax9 x9b.",
	} {
		if got := r.text(msg); got != want {
			t.Errorf("text(%q) = %q, want %q", msg, got, want)
		}
	}
}
