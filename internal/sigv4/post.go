package sigv4

import (
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
)

// MaxPostPreDataLength is how many bytes of a form upload may come before the
// content of its file: the other fields, the headers of the parts and the
// boundaries. It is S3's limit; a form with more is refused with
// MaxPostPreDataLengthExceeded.
const MaxPostPreDataLength = 20480

// MaxPostObjectSize is the largest file a form upload may carry here. S3
// takes up to 5 GB, but the file is held in memory until it is verified and
// stored, so this package takes less; a larger file is refused with
// EntityTooLarge, whose MaxSizeAllowed is then this limit.
const MaxPostObjectSize = 64 << 20

// A PostUpload is an object uploaded with an HTML form, the S3 operation
// POST Object: a POST to the bucket's URL whose multipart/form-data body
// holds the object's key and other fields, then the file. With AWS Signature
// Version 4 the form carries a base64 POST policy, the JSON document of what
// the form may contain, and the signature of that base64 text.
type PostUpload struct {
	Bucket string // the bucket of the URL

	// Key is the key field, with ${filename} replaced by Filename.
	Key string

	// Filename is the file name the form gave the file, without any path
	// before the last slash or backslash. HasFilename reports whether the
	// file part had a filename parameter at all: without one, ${filename}
	// is left as it is, as S3 leaves it.
	Filename    string
	HasFilename bool

	// Fields holds the fields that came before the file, keyed by their
	// names in lower case (field names are case-insensitive), with
	// ${filename} replaced in their values. Fields of the same name are
	// joined with commas. Fields after the file are ignored, as S3 ignores
	// them.
	Fields map[string]string

	// Body is the content of the file.
	Body []byte
}

// ReadPost reads a form upload to bucket without verifying anything but its
// form: a body that is not multipart/form-data, a missing key field or file,
// fields before the file longer than MaxPostPreDataLength and a file larger
// than MaxPostObjectSize are refused with S3's errors (see
// [Verifier.VerifyPost]). The policy, if any, is not read. It serves an
// endpoint that does not authenticate.
func ReadPost(r *http.Request, bucket string) (*PostUpload, error) {
	u, e := readPost(r, bucket, nil)
	if e != nil {
		return nil, e
	}
	return u, nil
}

// VerifyPost reads a form upload to bucket and verifies its POST policy and
// signature as S3 does, reading no more of the body than the limits allow.
// The error, an *Error, is the answer S3 gives, in the order of the checks:
//
//   - a body that is not multipart/form-data: PreconditionFailed (412); one
//     S3 cannot parse: MalformedPOSTRequest (400);
//   - more than MaxPostPreDataLength bytes before the file's content:
//     MaxPostPreDataLengthExceeded (400);
//   - no key field: InvalidArgument "Bucket POST must contain a field named
//     'key'. …" (400); no file: InvalidArgument "POST requires exactly one
//     file upload per request." (400);
//   - none of the fields of a signature (x-amz-algorithm, x-amz-credential,
//     x-amz-date, x-amz-signature): an anonymous upload, refused with
//     AccessDenied "Access Denied" (403) as by a bucket that is not publicly
//     writable; a form signed with Signature Version 2 (AWSAccessKeyId and
//     signature): InvalidRequest (400);
//   - one of those fields or the policy missing, an algorithm other than
//     AWS4-HMAC-SHA256, a malformed credential or one for another region, an
//     x-amz-date that is not yyyyMMdd'T'HHmmss'Z': InvalidArgument (400);
//   - an unknown access key ID: InvalidAccessKeyId (403);
//   - a signature that is not the HMAC-SHA256 of the policy field, as sent,
//     with the signing key of the credential: SignatureDoesNotMatch (403),
//     with the policy as StringToSign;
//   - a policy that is not base64 of a JSON policy document:
//     InvalidPolicyDocument "Invalid Policy: …" (400);
//   - a policy whose expiration has passed: AccessDenied "Invalid according
//     to Policy: Policy expired." (403);
//   - a condition the form does not meet: AccessDenied "Invalid according to
//     Policy: Policy Condition failed: [\"eq\", \"$key\", \"…\"]" (403); a
//     field no condition names: AccessDenied "Invalid according to Policy:
//     Extra input fields: …" (403);
//   - a file outside the policy's content-length-range: EntityTooLarge or
//     EntityTooSmall (400).
//
// The conditions follow S3's POST policy: {"field": "value"} and ["eq",
// "$field", "value"] for exact matches, ["starts-with", "$field", "prefix"]
// (for Content-Type, every item of a comma-separated list must start with
// the prefix), and ["content-length-range", min, max], bounds included.
// Field names are compared without regard to case, values exactly; the
// bucket is the bucket of the URL; a condition on a field the form lacks
// fails. Every field but x-amz-signature, policy, file and x-ignore-* must
// be named by a condition. Variables such as ${filename} are replaced before
// the conditions are checked.
//
// The policy's expiration is checked against v's clock; the x-amz-date of
// the form is not, since S3 bounds a form upload by its policy alone.
func (v *Verifier) VerifyPost(r *http.Request, bucket string) (*PostUpload, error) {
	u, e := readPost(r, bucket, v)
	if e != nil {
		return nil, e
	}
	return u, nil
}

// readPost reads the form and, with v, verifies it before it reads the
// file, so that the file is read no further than the policy allows.
func readPost(r *http.Request, bucket string, v *Verifier) (*PostUpload, *Error) {
	f, e := readForm(r)
	if e != nil {
		return nil, e
	}
	u := &PostUpload{Bucket: bucket, Filename: f.filename, HasFilename: f.hasFilename, Fields: f.values()}
	if key := u.Fields["key"]; key != "" {
		u.Key = key
	} else {
		return nil, missingField("key")
	}
	if f.file == nil {
		return nil, noFile()
	}
	limit := int64(MaxPostObjectSize)
	var lengths lengthRange
	if v != nil {
		p, e := v.verifyForm(u, f)
		if e != nil {
			return nil, e
		}
		lengths = p.lengths
		if lengths.max >= 0 && lengths.max < limit {
			limit = lengths.max
		}
	}
	body, size, err := f.readFile(limit)
	if err != nil {
		return nil, malformedPost()
	}
	if size > limit {
		return nil, entityTooLarge(size, limit)
	}
	if size < lengths.min {
		return nil, entityTooSmall(size, lengths.min)
	}
	u.Body = body
	return u, nil
}

// verifyForm checks the signature and the policy of a form whose fields u
// holds.
func (v *Verifier) verifyForm(u *PostUpload, f *postForm) (*policy, *Error) {
	fields := u.Fields
	_, hasAlgorithm := fields["x-amz-algorithm"]
	_, hasCredential := fields["x-amz-credential"]
	_, hasDate := fields["x-amz-date"]
	_, hasSignature := fields["x-amz-signature"]
	if !hasAlgorithm && !hasCredential && !hasDate && !hasSignature {
		if _, ok := fields["awsaccesskeyid"]; ok {
			return nil, unsupportedMechanism() // Signature Version 2
		}
		if _, ok := fields["signature"]; ok {
			return nil, unsupportedMechanism()
		}
		return nil, accessDenied() // anonymous
	}
	for _, name := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Signature", "Policy"} {
		if fields[strings.ToLower(name)] == "" {
			return nil, missingField(name)
		}
	}
	if a := fields["x-amz-algorithm"]; a != algorithm {
		return nil, invalidArgument(messagePostAlgorithm, "X-Amz-Algorithm", a)
	}
	credential := fields["x-amz-credential"]
	c, e := parseCredential(credential, headerForm)
	if e == nil {
		e = checkScope(c, headerForm, v.region())
	}
	if e != nil {
		return nil, postArgument(e, "X-Amz-Credential", credential)
	}
	if date := fields["x-amz-date"]; !isAmzDate(date) {
		return nil, invalidArgument(messagePostDate, "X-Amz-Date", date)
	}
	secret, ok := v.Secrets[c.AccessKeyID]
	if !ok {
		return nil, invalidAccessKeyID(c.AccessKeyID)
	}
	encoded := fields["policy"]
	provided := fields["x-amz-signature"]
	if !sameSignature(provided, PostSignature(secret, c.Date, c.Region, encoded)) {
		return nil, signatureMismatch(c.AccessKeyID, encoded, provided, "")
	}
	p, e := parsePolicy(encoded)
	if e != nil {
		return nil, e
	}
	if v.now().After(p.expiration) {
		return nil, &Error{Status: http.StatusForbidden, Code: codeAccessDenied, Message: messagePolicyExpired}
	}
	if e := p.check(u.Bucket, fields); e != nil {
		return nil, e
	}
	if e := p.checkCovered(f.fields); e != nil {
		return nil, e
	}
	return p, nil
}

// PostSignature returns the signature of a POST policy: the hex HMAC-SHA256
// of the policy as the form carries it, base64 text, with the signing key of
// secret for the date (yyyyMMdd) and region.
func PostSignature(secret, date, region, encodedPolicy string) string {
	return hex.EncodeToString(hmacSHA256(signingKey(secret, date, region), encodedPolicy))
}

func isAmzDate(s string) bool {
	_, ok := parseAmzDate(s)
	return ok
}

// postArgument turns an error about a credential as the Authorization header
// gets it into the InvalidArgument a form gets for its X-Amz-Credential
// field: S3 words the message alike, without the header's prefix.
func postArgument(e *Error, name, value string) *Error {
	d := append([]Detail{{"ArgumentName", name}, {"ArgumentValue", value}}, e.Details...)
	return &Error{Status: http.StatusBadRequest, Code: codeInvalidArgument,
		Message: strings.TrimPrefix(e.Message, prefixHeaderMalformed), Details: d}
}

// A postForm is a form upload read up to the content of its file.
type postForm struct {
	fields      []field
	file        *multipart.Part // nil when the form has no file
	filename    string
	hasFilename bool
	body        *budget
}

// A field is a field of the form, its name as sent.
type field struct{ name, value string }

// values returns the fields by lower-case name, with ${filename} replaced
// when the file has a file name.
func (f *postForm) values() map[string]string {
	m := make(map[string]string, len(f.fields))
	for _, fd := range f.fields {
		v := fd.value
		if f.hasFilename {
			v = strings.ReplaceAll(v, "${filename}", f.filename)
		}
		n := strings.ToLower(fd.name)
		if prev, ok := m[n]; ok {
			v = prev + "," + v
		}
		m[n] = v
	}
	return m
}

// readFile reads the file's content, at most limit+1 bytes of it into
// memory. When there is more, it counts (without keeping) up to
// MaxPostObjectSize bytes further, so that size is the size of the file or,
// for a still larger file, a lower bound.
func (f *postForm) readFile(limit int64) (body []byte, size int64, err error) {
	f.body.allow(limit + 1 + MaxPostObjectSize)
	body, err = io.ReadAll(io.LimitReader(f.file, limit+1))
	size = int64(len(body))
	if err != nil || size <= limit {
		return body, size, err
	}
	n, err := io.Copy(io.Discard, io.LimitReader(f.file, MaxPostObjectSize))
	if errors.Is(err, errBudget) {
		err = nil
	}
	return nil, size + n, err
}

// multipartSlack is how far ahead of the part it returns the multipart
// reader may read the body (its buffer), with room for a boundary.
const multipartSlack = 4096 + 256

// readForm reads the parts of the form up to the file, a part named file,
// and leaves the file's content unread.
func readForm(r *http.Request) (*postForm, *Error) {
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/form-data" {
		return nil, notMultipart()
	}
	boundary := params["boundary"]
	if boundary == "" || r.Body == nil {
		return nil, malformedPost()
	}
	f := &postForm{body: &budget{r: r.Body, n: MaxPostPreDataLength + multipartSlack}}
	mr := multipart.NewReader(f.body, boundary)
	// pre counts the bytes before the file's content: each delimiter line,
	// the headers of each part and the values of the fields.
	pre := 0
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return f, nil
		}
		if errors.Is(err, errBudget) {
			return nil, preDataTooLarge()
		}
		if err != nil {
			return nil, malformedPost()
		}
		pre += len(boundary) + 6 // CRLF "--" boundary CRLF
		for k, vs := range p.Header {
			for _, v := range vs {
				pre += len(k) + len(v) + 4
			}
		}
		if pre > MaxPostPreDataLength {
			return nil, preDataTooLarge()
		}
		disposition, dp, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		if err != nil {
			return nil, malformedPost()
		}
		name := dp["name"]
		if disposition == "form-data" && strings.EqualFold(name, "file") {
			f.file = p
			if fn, ok := dp["filename"]; ok {
				f.hasFilename = true
				f.filename = fn[strings.LastIndexAny(fn, `/\`)+1:]
			}
			return f, nil
		}
		value, err := io.ReadAll(io.LimitReader(p, int64(MaxPostPreDataLength-pre+1)))
		if errors.Is(err, errBudget) {
			return nil, preDataTooLarge()
		}
		if err != nil {
			return nil, malformedPost()
		}
		pre += len(value)
		if pre > MaxPostPreDataLength {
			return nil, preDataTooLarge()
		}
		if disposition == "form-data" && name != "" {
			f.fields = append(f.fields, field{name, string(value)})
		}
	}
}

// errBudget is the error of a budget that is spent.
var errBudget = errors.New("sigv4: form upload larger than allowed")

// A budget reads from r no more than n bytes, then fails with errBudget: it
// bounds what the multipart reader may read, headers included, before the
// limits of the form are known to hold.
type budget struct {
	r io.Reader
	n int64
}

func (b *budget) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, errBudget
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= int64(n)
	return n, err
}

// allow lets the budget read n more bytes.
func (b *budget) allow(n int64) { b.n += n }
