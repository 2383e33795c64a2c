package main

import (
	"os"

	"github.com/s3cors/s3cors/internal/lint"
)

// ANSI styles used for people-facing output.
const (
	styleReset  = "\x1b[0m"
	styleBold   = "\x1b[1m"
	styleDim    = "\x1b[2m"
	styleRed    = "\x1b[31m"
	styleGreen  = "\x1b[32m"
	styleYellow = "\x1b[33m"
	styleCyan   = "\x1b[36m"
)

// colourEnabled reports whether output to f may be coloured: f must be a
// terminal and NO_COLOR (https://no-color.org) must be unset or empty.
func colourEnabled(f *os.File) bool {
	return os.Getenv("NO_COLOR") == "" && isTerminal(f)
}

// isTerminal reports whether f is a terminal (a character device).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// paint wraps s in style when colour is on.
func (e *env) paint(style, s string) string {
	if !e.colour || s == "" {
		return s
	}
	return style + s + styleReset
}

// severityStyle is the colour of a severity name.
func severityStyle(s lint.Severity) string {
	switch s {
	case lint.Error:
		return styleRed
	case lint.Warning:
		return styleYellow
	}
	return styleCyan
}
