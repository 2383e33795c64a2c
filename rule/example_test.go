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

// Problems lists every fault, as a linter would, instead of the first.
func ExampleConfiguration_Problems() {
	c, err := rule.Decode([]byte(`<CORSConfiguration><CORSRule>
		<AllowedOrigin>https://*.*.example.com</AllowedOrigin>
		<AllowedMethod>PATCH</AllowedMethod>
		<ExposeHeader>*</ExposeHeader>
	</CORSRule></CORSConfiguration>`))
	if err != nil {
		panic(err)
	}
	for _, p := range c.Problems() {
		fmt.Println(p.Element, p.Value)
	}
	// Output:
	// AllowedMethod PATCH
	// AllowedOrigin https://*.*.example.com
	// ExposeHeader *
}
