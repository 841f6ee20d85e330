package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
)

// version and commit are set at build time with
// -ldflags "-X main.version=1.2.3 -X main.commit=abc123".
var (
	version = ""
	commit  = ""
)

func (e *environment) version(args []string) error {
	fs := e.flagSet("version", "Usage: sweeper version\n\n")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	v, c := buildVersion()
	fmt.Fprintf(e.stdout, "sweeper %s\ncommit %s\n%s %s/%s\n", v, c, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// buildVersion is the version and commit the binary was built from: the
// -ldflags ones, else what the Go toolchain recorded.
func buildVersion() (v, c string) {
	v, c = version, commit
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && c == "" {
				c = s.Value
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if c == "" {
		c = "unknown"
	}
	return v, c
}

// buildInfo is sweeper_build_info: always 1, with what `sweeper version`
// says as labels, so that a dashboard shows which build runs where.
func buildInfo() prometheus.Collector {
	v, c := buildVersion()
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "sweeper_build_info",
		Help:        "The sweeper's version, commit and Go version, as labels; always 1.",
		ConstLabels: prometheus.Labels{"version": v, "commit": c, "goversion": runtime.Version()},
	})
	g.Set(1)
	return g
}
