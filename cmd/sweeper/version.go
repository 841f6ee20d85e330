package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
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
	v, c := version, commit
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
	fmt.Fprintf(e.stdout, "sweeper %s\ncommit %s\n%s %s/%s\n", v, c, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
