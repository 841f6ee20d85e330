// Package mail sends the sweeper's reminder mails over SMTP (docs/contract.md §3.5): the
// notice a customer gets before an idle account is deleted. It implements
// sweeper.Mailer with github.com/wneessen/go-mail and configures it from
// the [mail] table: host, port, optional AUTH, and no TLS, STARTTLS or
// implicit TLS.
//
// A reminder holds an address and often a name, so nothing this package
// returns contains the recipient's address or the SMTP password: both are
// replaced in error texts before the errors reach a log.
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"

	gomail "github.com/wneessen/go-mail"

	"github.com/sweeperd/sweeper/sweeper"
)

// defaultTimeout is mail.timeout's default, for a Mailer built in code.
const defaultTimeout = 30 * time.Second

// Mailer sends reminder mails through one SMTP server. It holds no
// connection: each Send opens its own, since reminders are few and a
// long-lived connection would be dropped by the server between runs
// anyway. It is safe for concurrent use.
type Mailer struct {
	host     string
	port     int
	username string
	password string
	tlsMode  string
	from     *mail.Address
	// timeout bounds one mail, from connecting to the server's last answer.
	timeout time.Duration
	// msgIDDomain is the right-hand side of Message-IDs: the From domain,
	// so that IDs do not reveal the sweeper's host name.
	msgIDDomain string
	tlsConfig   *tls.Config
}

var _ sweeper.Mailer = (*Mailer)(nil)

// New checks the [mail] settings and returns a Mailer for them. It does not
// connect; Check does.
func New(cfg sweeper.Mail) (*Mailer, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail.host is required")
	}
	if strings.ContainsFunc(cfg.Host, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return nil, fmt.Errorf("mail.host %q is not a host name", cfg.Host)
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("mail.port %d is outside 1..65535", cfg.Port)
	}
	switch cfg.TLS {
	case "none", "starttls", "tls":
	default:
		return nil, fmt.Errorf("mail.tls %q is not a mode: use none, starttls or tls", cfg.TLS)
	}
	if cfg.From == "" {
		return nil, errors.New("mail.from is required")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail.from %q is not a mail address (e.g. \"Shop <info@shop.nl>\"): %v", cfg.From, err)
	}
	// A username without a password (or the reverse) is a half-done
	// setup; sending without AUTH then would fail later and less clearly.
	if (cfg.Username == "") != (cfg.Password == "") {
		return nil, errors.New("mail.username and mail.password go together: set both, or neither for no AUTH")
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("mail.timeout %s must be longer than 0", cfg.Timeout)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = defaultTimeout
	}
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	return &Mailer{
		timeout:     cfg.Timeout,
		host:        cfg.Host,
		port:        cfg.Port,
		username:    cfg.Username,
		password:    cfg.Password,
		tlsMode:     cfg.TLS,
		from:        from,
		msgIDDomain: domain,
	}, nil
}

// WithTLSConfig returns a copy of m that uses c for STARTTLS and implicit
// TLS, e.g. to trust a test server's self-signed certificate or a private
// CA. When c has no ServerName, the configured host is used.
func (m *Mailer) WithTLSConfig(c *tls.Config) *Mailer {
	n := *m
	if c != nil {
		c = c.Clone()
		if c.ServerName == "" {
			c.ServerName = m.host
		}
		if c.MinVersion == 0 {
			c.MinVersion = tls.VersionTLS12
		}
	}
	n.tlsConfig = c
	return &n
}

// Send delivers one reminder: a plain-text UTF-8 mail with Date,
// Message-ID and "Auto-Submitted: auto-generated" (RFC 3834: an automatic
// notice, so auto-responders do not answer it). The whole exchange, from
// connecting to the server's last answer, takes at most mail.timeout, and
// ends at once when ctx does: a server that stops answering holds neither a
// run nor a stop. The returned error never contains the recipient's
// address or the password.
func (m *Mailer) Send(ctx context.Context, msg sweeper.Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("send reminder: %w", err)
	}
	gm, err := m.message(msg)
	if err != nil {
		return m.redact(fmt.Errorf("send reminder: %w", err), msg.To)
	}
	sendCtx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	c, err := m.client(sendCtx)
	if err != nil {
		return m.redact(fmt.Errorf("send reminder: %w", err), msg.To)
	}
	if err := c.DialAndSendWithContext(sendCtx, gm); err != nil {
		return m.redact(m.failure("send reminder", ctx, sendCtx, err), msg.To)
	}
	return nil
}

// Check connects to the server and does what Send does before sending —
// EHLO, STARTTLS or TLS, AUTH as configured — then quits without sending
// anything; for `sweeper check --mail`.
func (m *Mailer) Check(ctx context.Context) error {
	checkCtx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	c, err := m.client(checkCtx)
	if err != nil {
		return m.redact(fmt.Errorf("check mail server: %w", err), "")
	}
	sc, err := c.DialToSMTPClientWithContext(checkCtx)
	if err != nil {
		return m.redact(m.failure("check mail server", ctx, checkCtx, err), "")
	}
	if err := c.CloseWithSMTPClient(sc); err != nil {
		return m.redact(m.failure("check mail server", ctx, checkCtx, err), "")
	}
	return nil
}

// failure words an error of an exchange with the server: one that ended
// because the caller stopped it or because mail.timeout ran out says so,
// rather than the "use of closed network connection" it ends with.
func (m *Mailer) failure(what string, ctx, exchange context.Context, err error) error {
	var ne net.Error
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s via %s: stopped: %w", what, m.addr(), ctx.Err())
	case exchange.Err() != nil, errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%s via %s: the server did not answer within %s (mail.timeout): %w",
			what, m.addr(), m.timeout, context.DeadlineExceeded)
	}
	return fmt.Errorf("%s via %s: %w", what, m.addr(), err)
}

// dial connects for one exchange, whose context is ctx. go-mail bounds
// only the dial by a context, and each answer by a deadline of its own, so
// a stop would wait for a silent server to time out; this connection
// closes when ctx ends, and the exchange with it. For implicit TLS the
// handshake is made here too.
func (m *Mailer) dial(ctx context.Context) gomail.DialContextFunc {
	return func(dialCtx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		conn, err := d.DialContext(dialCtx, network, addr)
		if err != nil {
			return nil, err
		}
		if m.tlsMode == "tls" {
			cfg := m.tlsConfig
			if cfg == nil {
				cfg = &tls.Config{ServerName: m.host, MinVersion: tls.VersionTLS12}
			}
			tc := tls.Client(conn, cfg)
			if err := tc.HandshakeContext(dialCtx); err != nil {
				conn.Close()
				return nil, err
			}
			conn = tc
		}
		context.AfterFunc(ctx, func() { conn.Close() })
		return conn, nil
	}
}

func (m *Mailer) addr() string { return fmt.Sprintf("%s:%d", m.host, m.port) }

// message builds the go-mail message for msg.
func (m *Mailer) message(msg sweeper.Message) (*gomail.Msg, error) {
	// Parsed here rather than by go-mail, whose error would quote it.
	to, err := mail.ParseAddress(msg.To)
	if err != nil {
		return nil, errors.New("the recipient address is not a valid mail address")
	}
	// The template refuses this already; a Message can come from elsewhere.
	if strings.ContainsAny(msg.Subject, "\r\n") {
		return nil, errors.New("the subject has a line break")
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("message id: %w", err)
	}

	// go-mail writes UTF-8 with quoted-printable by default and encodes a
	// non-ASCII subject as an RFC 2047 encoded word.
	gm := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	gm.FromMailAddress(m.from)
	gm.ToMailAddress(to)
	gm.Subject(msg.Subject)
	gm.SetDate()
	gm.SetMessageIDWithValue(hex.EncodeToString(id) + "@" + m.msgIDDomain)
	gm.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	gm.SetBodyString(gomail.TypeTextPlain, msg.Body)
	return gm, nil
}

// client returns a go-mail client for one connection, whose exchange has
// the context ctx. A fresh one per connection, because go-mail's client
// keeps per-connection state (and rewrites its auth type while dialling)
// that is not safe to share.
func (m *Mailer) client(ctx context.Context) (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(m.port),
		gomail.WithTimeout(m.timeout),
		gomail.WithDialContextFunc(m.dial(ctx)),
	}
	switch m.tlsMode {
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "tls":
		// The dialer makes the TLS connection; this only keeps go-mail
		// from asking for STARTTLS on it.
		opts = append(opts, gomail.WithSSL())
	}
	if m.tlsConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(m.tlsConfig))
	}
	if m.username != "" || m.password != "" {
		opts = append(opts, gomail.WithUsername(m.username), gomail.WithPassword(m.password))
		switch m.tlsMode {
		case "none":
			// Auto-discovery never picks PLAIN or LOGIN on an unencrypted
			// connection; with tls = "none" the operator chose one (a
			// relay on localhost, say), so the challenge-response
			// mechanisms come first and PLAIN and LOGIN are allowed after.
			opts = append(opts, gomail.WithOpportunisticSMTPAuth(
				gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5,
				gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc,
			))
		case "tls":
			// go-mail takes a connection it did not dial for unencrypted,
			// and would refuse PLAIN and LOGIN on it; the dialer made it
			// TLS, so the order is auto-discovery's over TLS.
			opts = append(opts, gomail.WithOpportunisticSMTPAuth(
				gomail.SMTPAuthSCRAMSHA256PLUS, gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1PLUS,
				gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5, gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc,
			))
		default:
			opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover))
		}
	}
	c, err := gomail.NewClient(m.host, opts...)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// redact returns err with the password and the recipient (to) replaced in
// its text, so it can be logged. go-mail lists the affected recipients in
// its errors and servers quote them in replies ("<anna@…>: mailbox full").
// errors.Is still sees the original chain (context.Canceled, say), but the
// original text is not reachable through Unwrap.
func (m *Mailer) redact(err error, to string) error {
	text := err.Error()
	var secrets []struct{ value, placeholder string }
	add := func(value, placeholder string) {
		if strings.TrimSpace(value) != "" {
			secrets = append(secrets, struct{ value, placeholder string }{value, placeholder})
		}
	}
	add(m.password, "<password>")
	if to != "" {
		add(to, "<recipient>")
		if a, perr := mail.ParseAddress(to); perr == nil {
			add(a.Address, "<recipient>")
			if a.Name != "" {
				add(a.Name, "<recipient>")
			}
			// A local part such as "anna.jansen" is personal data on its
			// own; a very short one is too common a string to replace.
			if local := a.Address[:strings.LastIndexByte(a.Address, '@')]; len(local) >= 4 {
				add(local, "<recipient>")
			}
		}
	}
	changed := false
	for _, s := range secrets {
		re := regexp.MustCompile("(?i)" + regexp.QuoteMeta(s.value))
		if re.MatchString(text) {
			text = re.ReplaceAllLiteralString(text, s.placeholder)
			changed = true
		}
	}
	if !changed {
		return err
	}
	return &redactedError{text: text, err: err}
}

// redactedError is an error whose text had personal data or a secret
// removed. It deliberately has no Unwrap, which would hand out the
// unredacted text; Is keeps errors.Is working.
type redactedError struct {
	text string
	err  error
}

func (e *redactedError) Error() string { return e.text }

func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }
