package rule

import "github.com/s3cors/s3cors/internal/xmltext"

// xmlDeclaration starts every XML document S3 sends, followed by a newline.
const xmlDeclaration = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// ErrorDocument is the XML body of an S3 error response:
//
//	<?xml version="1.0" encoding="UTF-8"?>
//	<Error><Code>…</Code><Message>…</Message>…<RequestId>…</RequestId><HostId>…</HostId></Error>
//
// The body is one line after the declaration. The optional elements come
// between Message and RequestId in S3's order: Method and ResourceType (for
// the AccessForbidden answers to CORS preflights), then BucketName (for
// NoSuchCORSConfiguration and NoSuchBucket). An optional element is written
// only when its field is not empty.
type ErrorDocument struct {
	Code         string
	Message      string
	Method       string
	ResourceType string
	BucketName   string
	// RequestID and HostID are written always, even when empty; S3 repeats
	// its x-amz-request-id and x-amz-id-2 response headers here.
	RequestID string
	HostID    string
}

// AppendXML appends the document to dst exactly as S3 writes it and returns
// the extended slice. Like S3, and unlike encoding/xml, it writes quotes and
// apostrophes literally ("resource's", `AllowedOrigin "…"`); '&', '<' and '>'
// are escaped.
func (d ErrorDocument) AppendXML(dst []byte) []byte {
	dst = append(dst, xmlDeclaration...)
	dst = append(dst, "<Error>"...)
	dst = appendElement(dst, "Code", d.Code)
	dst = appendElement(dst, "Message", d.Message)
	if d.Method != "" {
		dst = appendElement(dst, "Method", d.Method)
	}
	if d.ResourceType != "" {
		dst = appendElement(dst, "ResourceType", d.ResourceType)
	}
	if d.BucketName != "" {
		dst = appendElement(dst, "BucketName", d.BucketName)
	}
	dst = appendElement(dst, "RequestId", d.RequestID)
	dst = appendElement(dst, "HostId", d.HostID)
	return append(dst, "</Error>"...)
}

// appendElement appends <name>text</name>, escaping text.
func appendElement(dst []byte, name, text string) []byte {
	dst = append(dst, '<')
	dst = append(dst, name...)
	dst = append(dst, '>')
	dst = xmltext.Append(dst, text)
	dst = append(dst, '<', '/')
	dst = append(dst, name...)
	return append(dst, '>')
}
