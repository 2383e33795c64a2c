package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/s3cors/s3cors/rule"
)

// formNames maps the names --to accepts to the forms they stand for.
var formNames = map[string]rule.Form{
	rule.FormXML.String():     rule.FormXML,
	rule.FormJSON.String():    rule.FormJSON,
	rule.FormConsole.String(): rule.FormConsole,
}

func runConvert(e *env, args []string) int {
	flags := newFlagSet("convert")
	to := &choice{"", []string{"xml", "json", "console"}}
	flags.Var(to, "to", "")
	pos, err := parseArgs(flags, args)
	if err != nil {
		return flagError(e, "convert", err)
	}
	switch {
	case len(pos) == 0:
		return usageError(e, "convert", "no configuration file given", "pass the file to convert, such as 's3cors convert cors.json --to xml', or - for standard input")
	case len(pos) > 1:
		return usageError(e, "convert", fmt.Sprintf("one configuration file expected, got %d (%s)", len(pos), strings.Join(pos, " ")), "convert one file at a time")
	case to.value == "":
		return usageError(e, "convert", "--to is required", "pass --to xml, --to json or --to console")
	}
	form := formNames[to.value]

	doc, err := readConfig(e, pos[0])
	if err != nil {
		return readFailed(e, "convert", "", pos[0], err)
	}
	c, err := parseConfig(doc)
	if err != nil {
		return refusedConfig(e, "convert", pos[0], err)
	}
	out, err := c.Encode(form)
	if err != nil { // unreachable: --to only takes the names of formNames
		return usageError(e, "convert", fmt.Sprintf("cannot write the configuration as %s", to.value), "pass --to xml, --to json or --to console")
	}
	if !bytes.HasSuffix(out, []byte("\n")) {
		// A text file ends in a newline, on a terminal or in a file: the XML
		// form is GetBucketCors's body, which has none.
		out = append(out, '\n')
	}
	e.stdout.Write(out)
	return exitOK
}
