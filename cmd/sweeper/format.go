package main

import (
	"path/filepath"
	"slices"
	"strings"
)

// reportExtensions are the file extensions -o takes the format from, in
// the order the messages list them.
var reportExtensions = []struct{ ext, format string }{
	{".txt", "text"}, {".md", "markdown"}, {".markdown", "markdown"}, {".csv", "csv"},
	{".json", "json"}, {".html", "html"}, {".htm", "html"},
}

// reportFormat is the format of cmd's report written to path without
// --format: standard output is text; a file is what its extension says,
// among the formats cmd writes. An extension that says nothing is refused
// rather than guessed: text in a file named report.pdf or plan.xlsx is a
// surprise found too late.
func reportFormat(cmd, path string, formats []string) (string, error) {
	if path == "" {
		return "text", nil
	}
	ext := strings.ToLower(filepath.Ext(path))
	var known []string // the first extension of each format, for the message
	listed := map[string]bool{}
	for _, re := range reportExtensions {
		if !slices.Contains(formats, re.format) {
			continue
		}
		if re.ext == ext {
			return re.format, nil
		}
		if !listed[re.format] {
			listed[re.format] = true
			known = append(known, re.ext)
		}
	}
	what := "the extension " + ext
	if ext == "" {
		what = "a name without an extension"
	}
	return "", usageErrorf("%s: -o %s: %s names no report format (%s); give --format %s",
		cmd, path, what, strings.Join(known, ", "), strings.Join(formats, "|"))
}
