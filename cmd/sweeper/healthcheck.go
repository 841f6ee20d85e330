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
database are well: exit 0 when they are, 1 when not, with the daemon's
reason. For container health checks in images without curl.

`

func (e *environment) healthcheck(ctx context.Context, args []string) error {
	fs := e.flagSet("healthcheck", healthcheckUsage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	if cfg.HTTP.Listen == "" {
		return usageErrorf("healthcheck: http.listen is off in the config")
	}
	host, port, err := net.SplitHostPort(cfg.HTTP.Listen)
	if err != nil {
		return usageErrorf("healthcheck: http.listen %q: %v", cfg.HTTP.Listen, err)
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
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	// The daemon's reason, such as a refused run, is what the operator needs.
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintln(e.stdout, "ok")
	return nil
}
