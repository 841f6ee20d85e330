// Package smtptest runs a real SMTP server inside a test process, so that
// tests of the reminder mails (connectors/mail, the engine, the CLI) talk
// SMTP to something that records what it received instead of to a mock.
//
// The server listens on 127.0.0.1 on a free port, accepts AUTH PLAIN
// without TLS (AllowInsecureAuth) unless told to use TLS, decodes every
// message it accepts and is closed when the test ends.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options configure a server started with StartWith.
type Options struct {
	// Username and Password, when Username is set, are the only credentials
	// AUTH accepts, and a message is refused unless the client
	// authenticated. Without them any AUTH succeeds and none is required.
	Username, Password string
	// TLS is "" or "none" for plain SMTP, "starttls" to offer STARTTLS, or
	// "tls" for implicit TLS (SMTPS). The certificate is self-signed for
	// 127.0.0.1 and localhost; ClientTLSConfig trusts it.
	TLS string
}

// Received is one message the server accepted.
type Received struct {
	// From is the envelope sender (MAIL FROM).
	From string
	// To is the envelope recipient (RCPT TO); several are joined by ", ".
	To string
	// Subject is the decoded Subject header.
	Subject string
	// Body is the decoded text of the message (the first text/plain part
	// of a multipart message), with line ends turned into "\n".
	Body string
	// Header is the message's header as received.
	Header mail.Header
	// Raw is the message as received in DATA.
	Raw []byte
	// Username is the name the client authenticated as, "" without AUTH.
	Username string
	// TLS says whether the message came over an encrypted connection.
	TLS bool
}

// Server is a running test SMTP server.
type Server struct {
	opts      Options
	srv       *smtp.Server
	ln        net.Listener
	host      string
	port      int
	clientTLS *tls.Config
	served    chan struct{}

	mu       sync.Mutex
	msgs     []Received
	changed  chan struct{} // closed and replaced whenever msgs grows
	fail     bool
	hang     bool
	sessions int
	// hanging gets a value whenever a session starts to hang, hungUp when
	// the client of a hanging session hangs up.
	hanging, hungUp chan struct{}
}

// Start starts a plain SMTP server (no TLS; AUTH PLAIN accepted with any
// credentials but not required) that is closed when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	return StartWith(tb, Options{})
}

// StartWith starts a server configured by o that is closed when tb ends.
func StartWith(tb testing.TB, o Options) *Server {
	tb.Helper()
	s := &Server{opts: o, changed: make(chan struct{}), served: make(chan struct{}),
		hanging: make(chan struct{}, 100), hungUp: make(chan struct{}, 100)}
	s.srv = smtp.NewServer(&backend{s: s})
	s.srv.Domain = "smtptest.localhost"
	s.srv.AllowInsecureAuth = true
	// Timeouts keep a test whose client hangs from hanging the server too.
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	s.srv.ErrorLog = log.New(io.Discard, "", 0)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtptest: listen: %v", err)
	}
	switch o.TLS {
	case "", "none":
	case "starttls", "tls":
		serverTLS, clientTLS, err := selfSigned()
		if err != nil {
			ln.Close()
			tb.Fatalf("smtptest: certificate: %v", err)
		}
		s.clientTLS = clientTLS
		if o.TLS == "tls" {
			ln = tls.NewListener(ln, serverTLS)
		} else {
			s.srv.TLSConfig = serverTLS
		}
	default:
		ln.Close()
		tb.Fatalf("smtptest: TLS %q: want none, starttls or tls", o.TLS)
	}
	s.ln = ln
	addr := ln.Addr().(*net.TCPAddr)
	s.host, s.port = addr.IP.String(), addr.Port

	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln)
	}()
	tb.Cleanup(s.Close)
	return s
}

// Addr is the address the server listens on.
func (s *Server) Addr() (host string, port int) { return s.host, s.port }

// ClientTLSConfig returns a client TLS configuration that trusts the
// server's self-signed certificate, or nil when the server does not use TLS.
func (s *Server) ClientTLSConfig() *tls.Config {
	if s.clientTLS == nil {
		return nil
	}
	return s.clientTLS.Clone()
}

// Close stops the server and waits for it to stop accepting connections.
// It is called when the test ends; calling it earlier simulates a server
// that went away.
func (s *Server) Close() {
	if err := s.srv.Close(); errors.Is(err, smtp.ErrServerClosed) {
		return
	}
	// srv.Close closes only the listeners Serve has registered; when the
	// test ends before the Serve goroutine got that far, Serve would wait
	// in Accept for ever.
	s.ln.Close()
	<-s.served
}

// SetFail makes the server refuse (true) or accept (false) every RCPT and
// DATA with a temporary 451 error that, like real servers do, quotes the
// recipient address: a test of an SMTP outage without stopping the server.
func (s *Server) SetFail(fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = fail
}

// SetHang makes the server stop answering (true) once a client has said
// MAIL FROM, as a server that hangs in the middle of a mail does: the
// session waits until the client hangs up or the server closes.
func (s *Server) SetHang(hang bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hang = hang
}

// Hanging receives once for every session that started to hang.
func (s *Server) Hanging() <-chan struct{} { return s.hanging }

// HungUp receives once for every hanging session that ended: its client
// hung up (or the server closed).
func (s *Server) HungUp() <-chan struct{} { return s.hungUp }

// Messages returns the messages received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// Sessions is the number of SMTP sessions (EHLO/HELO) the server has seen,
// also those that sent no message.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// Wait waits until the server has received at least n messages and returns
// them all; it fails tb when that takes longer than timeout. Call it from
// the test's goroutine.
func (s *Server) Wait(tb testing.TB, n int, timeout time.Duration) []Received {
	tb.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if len(s.msgs) >= n {
			msgs := append([]Received(nil), s.msgs...)
			s.mu.Unlock()
			return msgs
		}
		changed, got := s.changed, len(s.msgs)
		s.mu.Unlock()
		select {
		case <-changed:
		case <-timer.C:
			tb.Fatalf("smtptest: %d message(s) received after %v, want %d", got, timeout, n)
			return nil
		}
	}
}

func (s *Server) failing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fail
}

func (s *Server) record(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

type backend struct{ s *Server }

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.s.mu.Lock()
	b.s.sessions++
	b.s.mu.Unlock()
	return &session{s: b.s, conn: c}, nil
}

// session is one SMTP session; go-smtp calls it from one goroutine.
type session struct {
	s     *Server
	conn  *smtp.Conn
	user  string
	authd bool
	from  string
	rcpts []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		o := ss.s.opts
		if o.Username != "" && (username != o.Username || password != o.Password) {
			return smtp.ErrAuthFailed
		}
		ss.user, ss.authd = username, true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.Username != "" && !ss.authd {
		return smtp.ErrAuthRequired
	}
	ss.s.mu.Lock()
	hang := ss.s.hang
	ss.s.mu.Unlock()
	if hang {
		notify(ss.s.hanging)
		// The reply never comes. go-smtp reads nothing while it waits for
		// it, so reading here sees the client hang up.
		buf := make([]byte, 512)
		for {
			if _, err := ss.conn.Conn().Read(buf); err != nil {
				break
			}
		}
		notify(ss.s.hungUp)
		return failure("the client hung up")
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.s.failing() {
		return failure("<" + to + ">: recipient temporarily refused (smtptest SetFail)")
	}
	ss.rcpts = append(ss.rcpts, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if ss.s.failing() {
		return failure("<" + strings.Join(ss.rcpts, ">, <") + ">: message temporarily refused (smtptest SetFail)")
	}
	rec := decode(raw)
	rec.From = ss.from
	rec.To = strings.Join(ss.rcpts, ", ")
	rec.Username = ss.user
	_, rec.TLS = ss.conn.TLSConnectionState()
	ss.s.record(rec)
	return nil
}

func (ss *session) Reset() { ss.from, ss.rcpts = "", nil }

func (ss *session) Logout() error { return nil }

func failure(msg string) error {
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: msg}
}

// decode parses a received message as far as it can; what it cannot parse
// is left in Raw for the test to look at.
func decode(raw []byte) Received {
	rec := Received{Raw: raw}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		rec.Body = string(raw)
		return rec
	}
	rec.Header = m.Header
	dec := new(mime.WordDecoder)
	if subj, err := dec.DecodeHeader(m.Header.Get("Subject")); err == nil {
		rec.Subject = subj
	} else {
		rec.Subject = m.Header.Get("Subject")
	}
	body, err := decodeBody(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body)
	if err != nil {
		body = []byte(fmt.Sprintf("smtptest: cannot decode body: %v", err))
	}
	rec.Body = strings.ReplaceAll(string(body), "\r\n", "\n")
	return rec
}

func decodeBody(contentType, encoding string, r io.Reader) ([]byte, error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err == nil && strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return nil, fmt.Errorf("no text/plain part: %w", err)
			}
			ct := p.Header.Get("Content-Type")
			if ct == "" || strings.HasPrefix(strings.ToLower(ct), "text/plain") || strings.HasPrefix(strings.ToLower(ct), "multipart/") {
				return decodeBody(ct, p.Header.Get("Content-Transfer-Encoding"), p)
			}
		}
	}
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	}
	return io.ReadAll(r)
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, and the
// server and client TLS configurations that use and trust it.
func selfSigned() (server, client *tls.Config, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "smtptest " + strconv.FormatInt(serial.Int64(), 16)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}},
		MinVersion:   tls.VersionTLS12,
	}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client, nil
}
