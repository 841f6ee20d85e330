package smtptest

import (
	"net"
	"sync"
	"testing"
)

// Silent is a mail server that accepts connections and never says a word,
// as a hung server does: a client waits for its greeting until it gives up
// or hangs up.
type Silent struct {
	ln   net.Listener
	host string
	port int
	// accepted gets a value for every connection accepted, hungUp for
	// every one the client closed.
	accepted, hungUp chan struct{}

	mu    sync.Mutex
	conns []net.Conn
	n     int
	wg    sync.WaitGroup
}

// StartSilent starts a silent server on 127.0.0.1 that is closed, with
// every connection it holds, when tb ends.
func StartSilent(tb testing.TB) *Silent {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtptest: listen: %v", err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	s := &Silent{ln: ln, host: addr.IP.String(), port: addr.Port,
		accepted: make(chan struct{}, 1000), hungUp: make(chan struct{}, 1000)}
	s.wg.Add(1)
	go s.serve()
	tb.Cleanup(s.close)
	return s
}

func (s *Silent) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.n++
		s.mu.Unlock()
		notify(s.accepted)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			// Whatever the client sends goes unanswered; a read ends when it
			// hangs up (or the server closes).
			buf := make([]byte, 512)
			for {
				if _, err := c.Read(buf); err != nil {
					notify(s.hungUp)
					return
				}
			}
		}()
	}
}

// notify signals on ch without ever blocking the server: past its buffer,
// a test that does not read no longer counts.
func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Addr is the address the server listens on.
func (s *Silent) Addr() (host string, port int) { return s.host, s.port }

// Accepted receives once for every connection the server accepted.
func (s *Silent) Accepted() <-chan struct{} { return s.accepted }

// HungUp receives once for every connection that ended; before the test
// ends, only a client ends one.
func (s *Silent) HungUp() <-chan struct{} { return s.hungUp }

// Connections is the number of connections accepted so far.
func (s *Silent) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func (s *Silent) close() {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}
