// Command s3cors checks, explains, converts and serves Amazon S3 bucket CORS
// configurations, using the same rules as S3 itself, and tests a running
// S3-compatible server's CORS against S3's recorded answers.
//
// Usage:
//
//	s3cors lint [--format text|json] [--fail-on error|warning|info]
//	            [--client NAME]... [--origin ORIGIN]... FILE...
//	s3cors explain FILE --origin ORIGIN [--method M] [--request-method M]
//	               [--request-header H]... [--target object|bucket]
//	               [--request FILE|-] [--format text|json]
//	s3cors explain [FILE] --har FILE|- [--format text|json]
//	s3cors convert FILE --to xml|json|console
//	s3cors serve --config FILE --dir DIR [--addr ADDR] [--cache-safe]
//	             [--writable] [--max-upload SIZE] [--dotfiles]
//	s3cors probe --endpoint URL [--region REGION] [--bucket NAME]
//	             [--path-style|--virtual-host] [--settle DURATION]
//	             [--timeout DURATION] [--format text|json|markdown] [--dry-run]
//	s3cors proxy --upstream URL [--listen ADDR] [--data DIR]
//	             [--credentials FILE] [--domain NAME]
//	s3cors help [COMMAND]
//	s3cors version
//
// FILE may be "-" for standard input, once. Every command accepts the three
// forms of a configuration: the PutBucketCors XML body, the AWS CLI JSON
// ({"CORSRules": [...]}) and the S3 console JSON (a bare array of rules).
// No input is read whole whatever its size: a configuration is read up to
// S3's limit of 64 KiB (a larger one gets S3's MaxMessageLengthExceeded),
// and a request given to explain --request up to 1 MiB.
//
// Exit codes:
//
//	0  success (lint: nothing at or above --fail-on)
//	1  lint: findings or S3 errors at or above --fail-on;
//	   explain, convert, serve: S3 would refuse the configuration;
//	   probe: the endpoint answered a vector differently from S3, or the run
//	   could not start or finish
//	2  usage error, or an input that cannot be read
//	3  probe: the scratch bucket could not be deleted, or the bucket's CORS
//	   configuration could not be restored (the command to finish is printed)
//
// See "s3cors help lint" for the list of lint findings.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
)

// Exit codes shared by every command.
const (
	exitOK       = 0
	exitFindings = 1 // findings at or above --fail-on, or a configuration S3 refuses
	exitUsage    = 2 // bad arguments, or input that cannot be read
)

// env is what a command may touch: its standard streams and whether its
// output may be coloured.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	colour bool
	// terminal reports that stdout is a terminal.
	terminal bool
	// dir is the folder relative paths are resolved in; "" is the
	// process's working directory. Tests run commands in-process, in
	// parallel, each with its own dir.
	dir string
}

// path resolves a file name given on the command line.
func (e *env) path(name string) string {
	if e.dir == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(e.dir, name)
}

// commands maps a command name to its implementation.
var commands = map[string]func(e *env, args []string) int{
	"lint":    runLint,
	"explain": runExplain,
	"convert": runConvert,
	"serve":   runServe,
	"probe":   runProbe,
	"proxy":   runProxy,
	"help":    runHelp,
	"version": runVersion,
}

func main() {
	e := &env{
		stdin:    os.Stdin,
		stdout:   os.Stdout,
		stderr:   os.Stderr,
		colour:   colourEnabled(os.Stdout),
		terminal: isTerminal(os.Stdout),
	}
	os.Exit(run(e, os.Args[1:]))
}

// run dispatches to the command named by args[0] and returns the exit code.
func run(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, mainUsage)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		fmt.Fprint(e.stdout, mainUsage)
		return exitOK
	case "-v", "-version", "--version":
		name = "version"
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(e.stderr, "s3cors: unknown command %q: use one of lint, explain, convert, serve, probe, proxy, help, version (see 's3cors help')\n", name)
		return exitUsage
	}
	return cmd(e, args[1:])
}

// runVersion prints the module version the binary was built from.
func runVersion(e *env, args []string) int {
	if len(args) > 0 {
		if isHelpFlag(args[0]) {
			fmt.Fprint(e.stdout, versionUsage)
			return exitOK
		}
		fmt.Fprintf(e.stderr, "version: unexpected argument %q: run 's3cors version' without arguments\n", args[0])
		return exitUsage
	}
	v := "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		v = info.Main.Version
	}
	fmt.Fprintf(e.stdout, "s3cors %s\n", v)
	return exitOK
}

// isHelpFlag reports whether arg asks for help.
func isHelpFlag(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}
