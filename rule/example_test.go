package rule_test

import (
	"errors"
	"fmt"

	"github.com/s3cors/s3cors/rule"
)

// Parse gives S3's verdict on a configuration: what PutBucketCors would
// answer.
func ExampleParse() {
	doc := []byte(`{"CORSRules": [{
		"AllowedOrigins": ["https://www.example.com"],
		"AllowedMethods": ["GET", "get"]
	}]}`)
	_, err := rule.Parse(doc)
	var e *rule.Error
	if errors.As(err, &e) {
		fmt.Println(e.Status, e.Code)
		fmt.Println(e.Message)
		fmt.Println(e.Detail)
	}
	// Output:
	// 400 InvalidRequest
	// Found unsupported HTTP method in CORS config. Unsupported method is get
	// rule 0: AllowedMethod "get" must be written exactly "GET": methods are case-sensitive and take no spaces
}

// Encode writes the XML body that GetBucketCors returns.
func ExampleConfiguration_Encode() {
	c, err := rule.Parse([]byte(`[{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "ExposeHeaders": []}]`))
	if err != nil {
		panic(err)
	}
	doc, err := c.Encode(rule.FormXML)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s\n", doc)
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>
}

// Decode and Problems list every fault, as a linter would, instead of the
// first: the faults found while reading, then those of the configuration.
func ExampleConfiguration_Problems() {
	c, err := rule.Decode([]byte(`<CORSConfiguration><CORSRule>
		<AllowedOrigin>https://*.*.example.com</AllowedOrigin>
		<AllowedMethod>PATCH</AllowedMethod>
		<ExposeHeader>*</ExposeHeader>
		<MaxAgeSeconds>an hour</MaxAgeSeconds>
	</CORSRule></CORSConfiguration>`))
	var faults []error
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		faults = joined.Unwrap()
	} else if err != nil {
		faults = []error{err} // the document could not be read
	}
	if c != nil {
		for _, p := range c.Problems() {
			faults = append(faults, p)
		}
	}
	for _, f := range faults {
		e := f.(*rule.Error)
		fmt.Println(e.Code, e.Element, e.Value)
	}
	// Output:
	// MalformedXML MaxAgeSeconds an hour
	// InvalidRequest AllowedMethod PATCH
	// InvalidRequest AllowedOrigin https://*.*.example.com
	// InvalidRequest ExposeHeader *
}
