package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// newFlagSet returns a flag set that reports nothing itself: the commands
// print their own errors and help.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseArgs parses args with fs, allowing flags before, between and after
// the positional arguments, which it returns. Everything after "--" is
// positional.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		consumed := args[:len(args)-len(rest)]
		if len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// flagError prints a parse error of command cmd, or its help for -h, and
// returns the exit code.
func flagError(e *env, cmd string, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		text, _ := helpText(cmd)
		fmt.Fprint(e.stdout, text)
		return exitOK
	}
	msg := err.Error()
	// The flag package writes "-name"; the documentation uses "--name".
	msg = strings.NewReplacer("defined: -", "defined: --", "for flag -", "for flag --", "argument: -", "argument: --", "for -", "for --").Replace(msg)
	fmt.Fprintf(e.stderr, "%s: %s: run 's3cors help %s' for the flags it accepts\n", cmd, msg, cmd)
	return exitUsage
}

// usageError prints a usage problem of command cmd with the way to fix it
// and returns the exit code.
func usageError(e *env, cmd, problem, fix string) int {
	fmt.Fprintf(e.stderr, "%s: %s: %s\n", cmd, problem, fix)
	return exitUsage
}

// stringList is a flag that may be repeated.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ", ") }

func (s *stringList) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// choice is a flag whose value must be one of a fixed list.
type choice struct {
	value   string
	allowed []string
}

func (c *choice) String() string { return c.value }

func (c *choice) Set(v string) error {
	for _, a := range c.allowed {
		if v == a {
			c.value = v
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", v, strings.Join(c.allowed, ", "))
}

// setFlags returns the names of the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// displayName is how messages name an input file.
func displayName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}

// boolFlag is a flag that is on when given alone, as --cache-safe-vary, and
// accepts =true or =false, with an error that says so.
type boolFlag bool

func (b *boolFlag) String() string { return strconv.FormatBool(bool(*b)) }

func (b *boolFlag) IsBoolFlag() bool { return true }

func (b *boolFlag) Set(v string) error {
	on, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("%q is not true or false: give the flag alone to turn it on", v)
	}
	*b = boolFlag(on)
	return nil
}
