package main

import (
	"embed"
	"fmt"
	"strings"

	"github.com/s3cors/s3cors/internal/lint"
)

// helpFiles are the help pages, one per command, and main.txt for s3cors
// itself. Each starts with its usage and an example.
//
//go:embed help/*.txt
var helpFiles embed.FS

// helpText returns the help page of a command ("main" for s3cors itself),
// and whether there is one.
func helpText(name string) (string, bool) {
	b, err := helpFiles.ReadFile("help/" + name + ".txt")
	if err != nil {
		return "", false
	}
	text := string(b)
	if name == "lint" {
		var list strings.Builder
		for _, c := range lint.Checks {
			fmt.Fprintf(&list, "  %s  %-7s  %s\n", c.ID, c.Severity, c.Title)
		}
		text = strings.Replace(text, "{{findings}}\n", list.String(), 1)
	}
	return text, true
}

// mainUsage is the help of s3cors itself.
var mainUsage, _ = helpText("main")

func runHelp(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stdout, mainUsage)
		return exitOK
	}
	name := args[0]
	if isHelpFlag(name) {
		name = "help"
	}
	text, ok := helpText(name)
	if !ok || name == "main" {
		fmt.Fprintf(e.stderr, "help: unknown command %q: use one of lint, explain, convert, serve, probe, proxy, help, version\n", args[0])
		return exitUsage
	}
	fmt.Fprint(e.stdout, text)
	return exitOK
}
