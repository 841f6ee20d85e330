// Command sweeper keeps the retention promises of a webshop's privacy
// statement: it finds expired personal data in the shop's database and
// deletes or anonymises it, with an audit record for every row.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // a static binary in a scratch image has no zoneinfo, and rules run in Europe/Amsterdam
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal starts a clean stop; with the handler gone, a second
	// one ends the process at once.
	go func() { <-ctx.Done(); stop() }()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}
