package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

const healthcheckUsage = `Usage: sweeper [-c FILE] healthcheck

Asks the running daemon's /healthz (at http.listen) whether it and its
database are well. For container health checks in images without curl, so
the exit codes are Docker's: 0 healthy; 1 unhealthy, which includes every
case in which it cannot ask (no daemon answers, the config cannot be read,
http.listen is off); 2 only for a wrong command line.

`

func (e *environment) healthcheck(ctx context.Context, args []string) error {
	fs := e.flagSet("healthcheck", healthcheckUsage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// Docker reserves exit 2 and a health check that cannot ask has no
	// healthy daemon to report: every failure from here on is "unhealthy".
	unhealthy := func(err error) error { return &exitError{code: exitFailed, err: err} }
	cfg, err := e.loadConfig()
	if err != nil {
		return unhealthy(err)
	}
	if cfg.HTTP.Listen == "" {
		return unhealthy(fmt.Errorf("healthcheck: http.listen is off in the config, so there is no /healthz to ask"))
	}
	host, port, err := net.SplitHostPort(cfg.HTTP.Listen)
	if err != nil {
		return unhealthy(fmt.Errorf("healthcheck: http.listen %q: %v", cfg.HTTP.Listen, err))
	}
	// A daemon listening on every address is asked on the loopback one.
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 4*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return unhealthy(fmt.Errorf("healthcheck: %w", err))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return unhealthy(fmt.Errorf("healthcheck: %w", err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// The daemon says why; docker inspect shows it in the health log.
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		why := strings.TrimSpace(string(body))
		if why != "" {
			why = ": " + why
		}
		return unhealthy(fmt.Errorf("healthcheck: %s answered %s%s", url, resp.Status, why))
	}
	fmt.Fprintln(e.stdout, "ok")
	return nil
}
