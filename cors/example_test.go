package cors_test

import (
	"fmt"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// Evaluate tells what S3 answers to a browser's preflight, without a server.
func ExamplePolicy_Evaluate() {
	c, err := rule.Parse([]byte(`{"CORSRules": [{
		"AllowedOrigins": ["https://*.example.com"],
		"AllowedMethods": ["GET", "PUT"],
		"AllowedHeaders": ["content-type", "x-amz-*"],
		"ExposeHeaders": ["ETag"],
		"MaxAgeSeconds": 3000
	}]}`))
	if err != nil {
		panic(err)
	}
	policy := cors.MustCompile(c)

	res := policy.Evaluate(cors.Request{
		Method:         "OPTIONS",
		Origin:         "https://app.example.com",
		RequestMethod:  "PUT",
		RequestHeaders: []string{"Content-Type,X-Amz-Meta-Color"},
	})
	fmt.Println(res.Status)
	for name, value := range res.Headers() {
		fmt.Printf("%s: %s\n", name, value)
	}
	// Output:
	// 200
	// Access-Control-Allow-Origin: https://app.example.com
	// Access-Control-Allow-Methods: GET, PUT
	// Access-Control-Allow-Headers: content-type, x-amz-meta-color
	// Access-Control-Expose-Headers: ETag
	// Access-Control-Max-Age: 3000
	// Access-Control-Allow-Credentials: true
	// Vary: Origin, Access-Control-Request-Headers, Access-Control-Request-Method
}

// A refused preflight carries S3's XML error document.
func ExampleResult_error() {
	policy := cors.MustCompile(&rule.Configuration{Rules: []rule.Rule{{
		AllowedOrigins: []string{"https://www.example.com"},
		AllowedMethods: []string{"GET"},
	}}})
	res := policy.Evaluate(cors.Request{Method: "OPTIONS", Origin: "https://evil.example", RequestMethod: "DELETE"})
	doc := res.Error
	doc.RequestID, doc.HostID = "4442587FB7D0A2F9", "host-id"
	fmt.Println(res.Status)
	fmt.Printf("%s\n", doc.AppendXML(nil))
	// Output:
	// 403
	// <?xml version="1.0" encoding="UTF-8"?>
	// <Error><Code>AccessForbidden</Code><Message>CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.</Message><Method>DELETE</Method><ResourceType>OBJECT</ResourceType><RequestId>4442587FB7D0A2F9</RequestId><HostId>host-id</HostId></Error>
}

// Explain says, rule by rule, why a request is or is not allowed.
func ExamplePolicy_Explain() {
	policy := cors.MustCompile(&rule.Configuration{Rules: []rule.Rule{
		{AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"GET", "HEAD"}},
		{AllowedOrigins: []string{"https://app.example.com"}, AllowedMethods: []string{"PUT"}},
	}})
	for _, v := range policy.Explain(cors.Request{Method: "PUT", Origin: "https://img.example.com"}) {
		fmt.Printf("rule %d: %v (origin %q, method %s)\n", v.Rule, v.Reason, v.Origin, v.Method)
	}
	// Output:
	// rule 0: method not allowed (origin "https://*.example.com", method PUT)
	// rule 1: origin not allowed (origin "", method PUT)
}

// A test asks whether S3 would let a page's script read a response.
func ExampleResult_Get() {
	policy := cors.MustCompile(&rule.Configuration{Rules: []rule.Rule{{
		AllowedOrigins: []string{"*"},
		AllowedMethods: []string{"GET"},
		ExposeHeaders:  []string{"ETag"},
	}}})
	res := policy.Evaluate(cors.Request{Method: "GET", Origin: "https://app.example.com"})
	fmt.Println(res.Matched, res.Get("access-control-allow-origin"), res.Get("Access-Control-Expose-Headers"))
	// Output: true * ETag
}
