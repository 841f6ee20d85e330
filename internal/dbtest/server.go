package dbtest

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// server is what the servers of PrivateMariaDB and PrivatePostgres share: a
// process a test may stop and start again on the same port.
//
// The server runs under a small sh wrapper that holds a pipe from this
// process on its stdin: closing the pipe stops the server, and so does the
// test binary dying without running its cleanups (a panic, a -timeout,
// SIGKILL), so no server outlives its test.
type server struct {
	// Port is the TCP port on 127.0.0.1 the server listens on. It stays the
	// same across Restart, so DSNs handed out before a restart keep working.
	Port int
	// Dir holds the data directory, the socket, the server's log and, for
	// MariaDB, the pid file.
	Dir string

	program string             // the server's program name, for messages
	wrapped func() *exec.Cmd   // the wrapper running the server on Port
	ping    func() error       // nil once the server answers
	pid     func() int         // the server's own pid, 0 if unknown
	log     func(n int) string // the last n lines of the server's log

	cmd   *exec.Cmd
	stdin io.WriteCloser // closing it makes the wrapper stop the server
	done  chan struct{}  // closed when the wrapper has exited
}

// Start starts the stopped server again on the same port and data
// directory and waits until it answers.
func (s *server) Start(tb testing.TB) {
	tb.Helper()
	if s.cmd != nil {
		tb.Fatalf("dbtest: Start: the server on port %d is running", s.Port)
	}
	if err := s.start(); err != nil {
		tb.Fatalf("dbtest: restart %s on port %d: %v", s.program, s.Port, err)
	}
}

// Stop shuts the server down cleanly, as a service stop would (sessions
// are ended, open transactions rolled back), and waits until it has exited.
func (s *server) Stop(tb testing.TB) {
	tb.Helper()
	s.stop(tb, true)
}

// Restart stops the server and starts it again on the same port and data
// directory, waiting until it answers.
func (s *server) Restart(tb testing.TB) {
	tb.Helper()
	s.Stop(tb)
	s.Start(tb)
}

// start runs the wrapper and waits until the server answers on s.Port.
func (s *server) start() error {
	cmd := s.wrapped()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	s.cmd, s.stdin, s.done = cmd, stdin, done

	deadline := time.Now().Add(serverStartTimeout)
	for {
		if err := s.ping(); err == nil {
			return nil
		}
		select {
		case <-done:
			s.cmd = nil
			return fmt.Errorf("%s exited during startup: %s\n%s%s", s.program, cmd.ProcessState, out.String(), s.log(15))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.kill()
			return fmt.Errorf("%s did not answer within %s:\n%s", s.program, serverStartTimeout, s.log(30))
		}
	}
}

// stop shuts the server down: cleanly within serverStopTimeout, else by
// SIGKILL. strict reports a server that needed killing as a test failure.
func (s *server) stop(tb testing.TB, strict bool) {
	tb.Helper()
	if s.cmd == nil {
		return
	}
	s.stdin.Close()
	select {
	case <-s.done:
	case <-time.After(serverStopTimeout):
		s.kill()
		if strict {
			tb.Errorf("dbtest: %s on port %d did not stop within %s; killed it\n%s", s.program, s.Port, serverStopTimeout, s.log(30))
		}
	}
	s.cmd = nil
}

// kill ends the server and its wrapper at once.
func (s *server) kill() {
	if pid := s.pid(); pid > 0 {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	s.cmd.Process.Kill()
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
	}
	s.cmd = nil
}

// startOnFreePort starts the server on a free port of 127.0.0.1. Another
// process may take the port between picking and binding it; then it tries
// another, three times in all.
func (s *server) startOnFreePort(tb testing.TB, since time.Time) {
	tb.Helper()
	var lastErr error
	for attempt := 1; attempt <= 3; attempt++ {
		port, err := freeTCPPort()
		if err != nil {
			tb.Fatalf("dbtest: find a free port: %v", err)
		}
		s.Port = port
		if lastErr = s.start(); lastErr == nil {
			tb.Logf("dbtest: private %s on port %d ready after %s", s.program, s.Port, time.Since(since).Round(time.Millisecond))
			return
		}
	}
	tb.Fatalf("dbtest: private %s did not start: %v", s.program, lastErr)
}
