package rule_test

import (
	"testing"

	"github.com/s3cors/s3cors/rule"
)

// TestErrorDocument checks S3's error body byte for byte (E1, E3, G3).
func TestErrorDocument(t *testing.T) {
	tests := []struct {
		name string
		doc  rule.ErrorDocument
		want string
	}{
		{"E1/P5-access-forbidden", rule.ErrorDocument{
			Code:         "AccessForbidden",
			Message:      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
			Method:       "PUT",
			ResourceType: "OBJECT",
			RequestID:    "0123456789ABCDEF",
			HostID:       "host/id+=",
		}, `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<Error><Code>AccessForbidden</Code><Message>CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.</Message><Method>PUT</Method><ResourceType>OBJECT</ResourceType><RequestId>0123456789ABCDEF</RequestId><HostId>host/id+=</HostId></Error>`},
		{"G3/no-such-cors-configuration", rule.ErrorDocument{
			Code: "NoSuchCORSConfiguration", Message: "The CORS configuration does not exist", BucketName: "assets", RequestID: "R", HostID: "H",
		}, `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<Error><Code>NoSuchCORSConfiguration</Code><Message>The CORS configuration does not exist</Message><BucketName>assets</BucketName><RequestId>R</RequestId><HostId>H</HostId></Error>`},
		{"E3/quotes-literal-markup-escaped", rule.ErrorDocument{
			Code: "InvalidRequest", Message: `AllowedOrigin "<a&b>**" can not have more than one wildcard.`,
		}, `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<Error><Code>InvalidRequest</Code><Message>AllowedOrigin "&lt;a&amp;b&gt;**" can not have more than one wildcard.</Message><RequestId></RequestId><HostId></HostId></Error>`},
		{"E1/characters-xml-cannot-carry", rule.ErrorDocument{
			Code: "BadRequest", Message: "Invalid Access-Control-Request-Method: \x01\xff\r",
		}, `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			"<Error><Code>BadRequest</Code><Message>Invalid Access-Control-Request-Method: \uFFFD\uFFFD&#xD;</Message><RequestId></RequestId><HostId></HostId></Error>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(tc.doc.AppendXML(nil)); got != tc.want {
				t.Errorf("AppendXML =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestErrorDocumentFromError(t *testing.T) {
	_, err := rule.Parse([]byte(`[{"AllowedMethods":["GET"],"AllowedOrigins":["a**"]}]`))
	e := err.(*rule.Error)
	d := rule.ErrorDocument{Code: e.Code, Message: e.Message, RequestID: "R", HostID: "H"}
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<Error><Code>InvalidRequest</Code><Message>AllowedOrigin "a**" can not have more than one wildcard.</Message><RequestId>R</RequestId><HostId>H</HostId></Error>`
	if got := string(d.AppendXML(nil)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
