package rule

import "strconv"

// Form is one of the ways to write a CORS configuration.
type Form int

const (
	// FormXML is the XML body of PutBucketCors and GetBucketCors.
	FormXML Form = iota
	// FormJSON is the AWS CLI and SDK JSON: {"CORSRules": [...]}.
	FormJSON
	// FormConsole is the S3 console's JSON: a bare array of rules.
	FormConsole
)

// String returns "xml", "json" or "console", the names the command-line
// tool uses.
func (f Form) String() string {
	switch f {
	case FormXML:
		return "xml"
	case FormJSON:
		return "json"
	case FormConsole:
		return "console"
	}
	return "Form(" + strconv.Itoa(int(f)) + ")"
}
