// Command dbping tells scripts/test whether a MariaDB (or, with -postgres, a
// PostgreSQL) answers at the test DSN. It parses the DSN with the same driver the tests use, so a DSN that
// works here works in the tests, which a mariadb client call could not
// promise.
//
// Usage:
//
//	dbping [-q]      exit 0 if the server at $SWEEPER_TEST_MYSQL_DSN answers;
//	                 print its version and the DSN, password masked
//	dbping -postgres [-q]
//	                 the same for the PostgreSQL at $SWEEPER_TEST_POSTGRES_DSN
//	dbping -free-port
//	                 print a TCP port on 127.0.0.1 that is free right now
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"

	"github.com/sweeperd/sweeper/internal/dbtest"
)

func main() {
	quiet := flag.Bool("q", false, "print nothing, only set the exit status")
	freePort := flag.Bool("free-port", false, "print a free TCP port on 127.0.0.1 and exit")
	postgres := flag.Bool("postgres", false, "ping the PostgreSQL at $"+dbtest.EnvPostgresDSN+" instead of the MariaDB")
	flag.Parse()

	if *freePort {
		// Port 0 makes the kernel pick; there is a race until mariadbd binds
		// it, which scripts/test covers by retrying with a new port.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, "dbping:", err)
			os.Exit(1)
		}
		fmt.Println(l.Addr().(*net.TCPAddr).Port)
		l.Close()
		return
	}

	server, dsn, redact, ping := "MariaDB", dbtest.BaseDSN(), dbtest.Redact, dbtest.Ping
	if *postgres {
		server, dsn, redact, ping = "PostgreSQL", dbtest.PostgresBaseDSN(), dbtest.RedactPostgres, dbtest.PingPostgres
	}
	version, err := ping(context.Background(), dsn)
	if err != nil {
		if !*quiet {
			fmt.Fprintf(os.Stderr, "dbping: no %s answered at %s: %v\n", server, redact(dsn), err)
		}
		os.Exit(1)
	}
	if !*quiet {
		fmt.Printf("%s %s at %s\n", server, version, redact(dsn))
	}
}
