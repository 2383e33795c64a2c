package rule

import (
	"bytes"
	"errors"
)

// Parse reads a CORS configuration in any of the three forms S3 users write
// and validates it exactly as PutBucketCors does.
//
// The forms are:
//
//   - the PutBucketCors XML body, with or without the XML declaration and
//     the S3 namespace, with a rule's elements in any order;
//   - the AWS CLI JSON, {"CORSRules": [...]}, as given to
//     "aws s3api put-bucket-cors --cors-configuration";
//   - the S3 console JSON, a bare array of rule objects.
//
// On failure the error is an [*Error] holding the code, message and status
// S3 answers with for the first fault in S3's order. To list every fault, use
// [Decode] and then [Configuration.Problems].
//
// A JSON document is judged as S3 judges the XML that the AWS CLI would send
// for it. JSON faults that the CLI itself would catch before sending (a
// string where a list belongs, an unknown key) are reported as MalformedXML,
// with a Detail that names them.
func Parse(doc []byte) (*Configuration, error) {
	c, err := Decode(doc)
	if err != nil {
		if first := (*Error)(nil); errors.As(err, &first) {
			return nil, first // the first of several faults, as S3 answers
		}
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// ParseXML is like [Parse] but, like S3's PutBucketCors API, accepts only
// the XML form: a JSON document is refused with MalformedXML, the answer S3
// gives to such a body, and a Detail saying how to convert it. S3 emulators
// and gateways use it to read PutBucketCors request bodies.
func ParseXML(doc []byte) (*Configuration, error) {
	if len(doc) <= MaxDocumentSize {
		if f, err := detectForm(doc); err == nil && f != FormXML {
			return nil, malformed(-1, "", "", "the document is "+f.String()+" JSON, but PutBucketCors takes the XML form; convert it with \"s3cors convert --to xml\", or let the AWS CLI or an SDK do it")
		}
	}
	return Parse(doc)
}

// Decode reads a CORS configuration in any form that [Parse] accepts and
// checks only what a [Configuration] cannot represent: the 64 KiB size limit,
// well-formedness, the document's structure, unknown elements, duplicate ID
// or MaxAgeSeconds elements and MaxAgeSeconds values that are not 32-bit
// integers. It does not apply S3's other rules, so a linter can decode a
// faulty configuration and report every problem with
// [Configuration.Problems].
//
// When the document cannot be read (it is too large, not well-formed, or
// not shaped like a configuration), Decode returns a nil Configuration and
// an [*Error]. When it can be read to its end, but some rule holds an
// unknown element or key, a second ID or MaxAgeSeconds, or a MaxAgeSeconds
// that is not a 32-bit integer, Decode returns the Configuration without
// those values together with an error joining one [*Error] per fault, in
// document order ([errors.Join]). Those faults come first in S3's order
// (D24), so the whole list of what S3 would refuse, one fault after the
// other, is the joined errors followed by the Configuration's Problems;
// [errors.As] finds the first, which S3 answers with.
func Decode(doc []byte) (*Configuration, error) {
	if len(doc) > MaxDocumentSize {
		return nil, tooBig(len(doc))
	}
	form, err := detectForm(doc)
	if err != nil {
		return nil, err
	}
	doc = bytes.TrimPrefix(doc, byteOrderMark)
	switch form {
	case FormXML:
		return decodeXML(doc)
	default:
		return decodeJSON(doc, form)
	}
}

var byteOrderMark = []byte("\uFEFF")

// detectForm reports which form doc is written in, judging by its first
// character other than white space and a UTF-8 byte order mark: '<' is XML,
// '{' the AWS CLI JSON and '[' the S3 console JSON. It does not check the
// rest of the document.
func detectForm(doc []byte) (Form, error) {
	doc = bytes.TrimPrefix(doc, byteOrderMark)
	doc = bytes.TrimLeft(doc, " \t\r\n")
	if len(doc) == 0 {
		return 0, malformed(-1, "", "", "the document is empty: write a CORSConfiguration with at least one CORSRule")
	}
	switch doc[0] {
	case '<':
		return FormXML, nil
	case '{':
		return FormJSON, nil
	case '[':
		return FormConsole, nil
	}
	return 0, malformed(-1, "", "", "the document is neither XML (starting with '<') nor JSON (starting with '{' or '[')")
}

// joinFaults returns nil for no faults, or an error joining them.
func joinFaults(faults []*Error) error {
	if len(faults) == 0 {
		return nil
	}
	errs := make([]error, len(faults))
	for i, f := range faults {
		errs[i] = f
	}
	return errors.Join(errs...)
}
