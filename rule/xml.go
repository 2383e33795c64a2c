package rule

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/s3cors/s3cors/internal/xmltext"
)

// namespace is the XML namespace of S3 documents. S3 writes it on the root
// of GetBucketCors; PutBucketCors accepts documents with or without it.
const namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// xmlDecoder reads one CORSConfiguration document token by token, so that it
// accepts a rule's elements in any order and can say exactly where a fault
// is.
type xmlDecoder struct {
	d      *xml.Decoder
	space  string // namespace of the root element: "" or namespace
	tokens int    // tokens read so far
	// declared reports that the document starts with an XML declaration,
	// the only place one may stand.
	declared bool
	// faults are the faults found so far that do not stop the reading (see
	// Decode), in document order.
	faults []*Error
}

func decodeXML(doc []byte) (*Configuration, error) {
	x := &xmlDecoder{d: xml.NewDecoder(bytes.NewReader(doc)), declared: bytes.HasPrefix(doc, []byte("<?xml"))}
	c, err := x.document()
	if err != nil {
		return nil, err
	}
	return c, joinFaults(x.faults)
}

// fault returns MalformedXML with the decoder's position.
func (x *xmlDecoder) fault(rule int, element, value, detail string) *Error {
	line, col := x.d.InputPos()
	return malformed(rule, element, value, "line "+strconv.Itoa(line)+", column "+strconv.Itoa(col)+": "+detail)
}

// token returns the next token, turning syntax errors into MalformedXML.
func (x *xmlDecoder) token() (xml.Token, error) {
	t, err := x.d.Token()
	if err == io.EOF {
		return nil, err
	}
	if err != nil {
		var se *xml.SyntaxError
		detail := err.Error()
		if errors.As(err, &se) {
			detail = "line " + strconv.Itoa(se.Line) + ": " + se.Msg
		}
		return nil, malformed(-1, "", "", "the XML is not well-formed: "+detail)
	}
	x.tokens++
	switch t := t.(type) {
	case xml.ProcInst:
		// encoding/xml accepts an XML declaration anywhere; XML allows one,
		// at the very start of the document.
		if strings.EqualFold(t.Target, "xml") && !(x.tokens == 1 && x.declared) {
			return nil, x.fault(-1, "", "", "the XML declaration (<?xml ...?>) may only stand once, at the very start of the document")
		}
	case xml.StartElement:
		// encoding/xml does not check that attribute names are unique.
		for i, a := range t.Attr {
			for _, b := range t.Attr[:i] {
				if a.Name == b.Name {
					return nil, x.fault(-1, t.Name.Local, "", "element "+describeName(t.Name)+" repeats the attribute "+strconv.Quote(a.Name.Local))
				}
			}
		}
	}
	return t, nil
}

func (x *xmlDecoder) document() (*Configuration, error) {
	var c *Configuration
	for {
		t, err := x.token()
		if err == io.EOF {
			if c == nil {
				return nil, x.fault(-1, "", "", "the document has no CORSConfiguration element")
			}
			return c, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if c != nil {
				return nil, x.fault(-1, t.Name.Local, "", "content after the end of CORSConfiguration: an XML document has a single root element")
			}
			if t.Name.Local != "CORSConfiguration" || (t.Name.Space != "" && t.Name.Space != namespace) {
				return nil, x.fault(-1, t.Name.Local, "", "the root element is "+describeName(t.Name)+"; it must be CORSConfiguration, optionally in the namespace "+namespace)
			}
			x.space = t.Name.Space
			if c, err = x.configuration(); err != nil {
				return nil, err
			}
		case xml.CharData:
			if !isSpace(t) {
				return nil, x.fault(-1, "", "", "text outside the CORSConfiguration element")
			}
		case xml.Directive:
			return nil, x.fault(-1, "", "", "document type declarations (<!...>) are not allowed")
		}
	}
}

func (x *xmlDecoder) configuration() (*Configuration, error) {
	c := &Configuration{Rules: []Rule{}}
	for {
		t, err := x.token()
		if err == io.EOF {
			return nil, x.fault(-1, "", "", "the document ends inside CORSConfiguration")
		}
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if !x.named(t.Name, "CORSRule") {
				return nil, x.fault(-1, t.Name.Local, "", "unexpected element "+describeName(t.Name)+" in CORSConfiguration; it holds only CORSRule elements")
			}
			r, err := x.rule(len(c.Rules))
			if err != nil {
				return nil, err
			}
			c.Rules = append(c.Rules, r)
		case xml.EndElement:
			return c, nil
		case xml.CharData:
			if !isSpace(t) {
				return nil, x.fault(-1, "", strings.TrimSpace(string(t)), "text directly inside CORSConfiguration; values belong in the elements of a CORSRule")
			}
		case xml.Directive:
			return nil, x.fault(-1, "", "", "directives (<!...>) are not allowed")
		}
	}
}

func (x *xmlDecoder) rule(index int) (Rule, error) {
	var r Rule
	var seenID, seenAge bool
	for {
		t, err := x.token()
		if err == io.EOF {
			return r, x.fault(index, "", "", "the document ends inside a CORSRule")
		}
		if err != nil {
			return r, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if t.Name.Space != x.space {
				return r, x.fault(index, t.Name.Local, "", "element "+describeName(t.Name)+" is in another namespace than CORSConfiguration")
			}
			name := t.Name.Local
			if !isRuleElement(name) {
				x.faults = append(x.faults, x.fault(index, name, "", "unknown element "+describeName(t.Name)+" in CORSRule; known are ID, AllowedHeader, AllowedMethod, AllowedOrigin, ExposeHeader and MaxAgeSeconds"+hint(name, FormXML)))
				if err := x.skip(index, name); err != nil {
					return r, err
				}
				continue
			}
			text, err := x.text(index, name)
			if err != nil {
				return r, err
			}
			switch name {
			case "AllowedHeader":
				r.AllowedHeaders = append(r.AllowedHeaders, text)
			case "AllowedMethod":
				r.AllowedMethods = append(r.AllowedMethods, text)
			case "AllowedOrigin":
				r.AllowedOrigins = append(r.AllowedOrigins, text)
			case "ExposeHeader":
				r.ExposeHeaders = append(r.ExposeHeaders, text)
			case "ID":
				if seenID {
					x.faults = append(x.faults, x.fault(index, name, text, "a CORSRule has at most one ID"))
					continue
				}
				seenID = true
				r.ID = &text
			case "MaxAgeSeconds":
				if seenAge {
					x.faults = append(x.faults, x.fault(index, name, text, "a CORSRule has at most one MaxAgeSeconds"))
					continue
				}
				seenAge = true
				age, ok := parseMaxAge(text)
				if !ok {
					x.faults = append(x.faults, x.fault(index, name, text, maxAgeDetail(strconv.Quote(text))))
					continue
				}
				r.MaxAgeSeconds = &age
			}
		case xml.EndElement:
			return r, nil
		case xml.CharData:
			if !isSpace(t) {
				return r, x.fault(index, "", strings.TrimSpace(string(t)), "text directly inside CORSRule; values belong in its elements")
			}
		case xml.Directive:
			return r, x.fault(index, "", "", "directives (<!...>) are not allowed")
		}
	}
}

// text reads the character data of a leaf element up to its end tag,
// verbatim (white space included).
func (x *xmlDecoder) text(index int, name string) (string, error) {
	var b []byte
	for {
		t, err := x.token()
		if err == io.EOF {
			return "", x.fault(index, name, "", "the document ends inside "+name)
		}
		if err != nil {
			return "", err
		}
		switch t := t.(type) {
		case xml.CharData:
			b = append(b, t...)
		case xml.StartElement:
			return "", x.fault(index, name, "", name+" holds text only, not the element "+describeName(t.Name))
		case xml.EndElement:
			return string(b), nil
		case xml.Directive:
			return "", x.fault(index, name, "", "directives (<!...>) are not allowed")
		}
	}
}

// skip reads the content of an unknown element up to its end tag, still
// checking that it is well-formed.
func (x *xmlDecoder) skip(index int, name string) error {
	for depth := 0; ; {
		t, err := x.token()
		if err == io.EOF {
			return x.fault(index, name, "", "the document ends inside "+name)
		}
		if err != nil {
			return err
		}
		switch t.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		case xml.Directive:
			return x.fault(index, name, "", "directives (<!...>) are not allowed")
		}
	}
}

// isRuleElement reports whether name is an element of CORSRule.
func isRuleElement(name string) bool {
	switch name {
	case "AllowedHeader", "AllowedMethod", "AllowedOrigin", "ExposeHeader", "ID", "MaxAgeSeconds":
		return true
	}
	return false
}

func (x *xmlDecoder) named(n xml.Name, local string) bool {
	return n.Local == local && n.Space == x.space
}

func describeName(n xml.Name) string {
	if n.Space == "" {
		return "<" + n.Local + ">"
	}
	return "<" + n.Local + "> (namespace " + n.Space + ")"
}

func isSpace(b []byte) bool {
	return len(bytes.TrimLeft(b, " \t\r\n")) == 0
}

// parseMaxAge parses an xsd:int: surrounding XML white space, an optional
// sign and decimal digits, in the 32-bit range.
func parseMaxAge(s string) (int, bool) {
	s = strings.Trim(s, " \t\r\n")
	digits := strings.TrimLeft(s, "+-")
	if digits == "" || len(s)-len(digits) > 1 {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 32)
	return int(n), err == nil
}

// hint suggests the right name for an element or key that people confuse
// with it: CloudFormation's names (Id, ExposedHeaders, MaxAge), and singular
// XML element names in JSON or plural JSON keys in XML.
func hint(name string, form Form) string {
	var base string
	switch strings.ToLower(name) {
	case "id":
		return "; did you mean \"ID\"?"
	case "maxage", "maxageseconds":
		return "; did you mean \"MaxAgeSeconds\"?"
	case "allowedheader", "allowedheaders":
		base = "AllowedHeader"
	case "allowedmethod", "allowedmethods":
		base = "AllowedMethod"
	case "allowedorigin", "allowedorigins":
		base = "AllowedOrigin"
	case "exposeheader", "exposeheaders", "exposedheader", "exposedheaders":
		base = "ExposeHeader"
	default:
		return ""
	}
	if form == FormXML {
		return "; did you mean \"" + base + "\"? XML uses one singular element per value"
	}
	return "; did you mean \"" + base + "s\"? JSON uses plural keys holding lists"
}

// Encode writes c in form f. The XML form is exactly what GetBucketCors
// returns: the XML declaration and a newline, then a one-line
// CORSConfiguration in the S3 namespace whose rules list AllowedHeader,
// AllowedMethod, AllowedOrigin, ExposeHeader, ID and MaxAgeSeconds in that
// order, each value as stored (G1, D6), with no final newline, since it is
// a response body. The JSON forms are indented like the AWS CLI's output and
// end in a newline, as a text file does; they keep empty lists, which XML
// cannot show. Decoding what Encode writes gives back c for every
// configuration that [Configuration.Validate] accepts, except that the XML
// form reads an empty list back as absent.
//
// Encode returns an error only for a Form other than [FormXML], [FormJSON]
// and [FormConsole]. A nil c is written as a configuration without rules.
func (c *Configuration) Encode(f Form) ([]byte, error) {
	if c == nil {
		c = &Configuration{}
	}
	switch f {
	case FormXML:
		return c.appendXML(nil), nil
	case FormJSON, FormConsole:
		return c.encodeJSON(f), nil
	}
	return nil, errors.New("rule: Encode: unknown " + f.String() + "; use FormXML, FormJSON or FormConsole")
}

// appendXML appends the GetBucketCors XML body for c to dst.
func (c *Configuration) appendXML(dst []byte) []byte {
	dst = append(dst, xmlDeclaration...)
	dst = append(dst, `<CORSConfiguration xmlns="`+namespace+`">`...)
	for _, r := range c.Rules {
		dst = append(dst, "<CORSRule>"...)
		for _, v := range r.AllowedHeaders {
			dst = appendElement(dst, "AllowedHeader", v)
		}
		for _, v := range r.AllowedMethods {
			dst = appendElement(dst, "AllowedMethod", v)
		}
		for _, v := range r.AllowedOrigins {
			dst = appendElement(dst, "AllowedOrigin", v)
		}
		for _, v := range r.ExposeHeaders {
			dst = appendElement(dst, "ExposeHeader", v)
		}
		if r.ID != nil {
			dst = appendElement(dst, "ID", *r.ID)
		}
		if r.MaxAgeSeconds != nil {
			dst = appendElement(dst, "MaxAgeSeconds", strconv.Itoa(*r.MaxAgeSeconds))
		}
		dst = append(dst, "</CORSRule>"...)
	}
	return append(dst, "</CORSConfiguration>"...)
}

// xmlUnsafe returns the first value of r that an XML document cannot carry.
func xmlUnsafe(r *Rule) (element, value string, found bool) {
	lists := []struct {
		element string
		values  []string
	}{
		{"AllowedHeader", r.AllowedHeaders},
		{"AllowedMethod", r.AllowedMethods},
		{"AllowedOrigin", r.AllowedOrigins},
		{"ExposeHeader", r.ExposeHeaders},
	}
	if r.ID != nil {
		lists = append(lists, struct {
			element string
			values  []string
		}{"ID", []string{*r.ID}})
	}
	for _, l := range lists {
		for _, v := range l.values {
			if !xmltext.Valid(v) {
				return l.element, v, true
			}
		}
	}
	return "", "", false
}
