// Package clientprofile is the format of a recorded client profile: what a
// browser client of S3, such as the AWS SDK for JavaScript, sent for each of
// its operations. The recorder in the examples writes it, and s3cors lint
// --client reads it, so that both agree on one definition.
package clientprofile

// File is one recorded client.
type File struct {
	Client     string            `json:"client"`   // such as "aws-sdk-js-v3"
	Title      string            `json:"title"`    // for people
	Browser    string            `json:"browser"`  // the browser that ran it
	Packages   map[string]string `json:"packages"` // package name → version
	Operations []Operation       `json:"operations"`
}

// Operation is what one operation of the client did.
type Operation struct {
	Name  string `json:"name"`  // such as "put-object"
	Title string `json:"title"` // what ran, for people
	// OK reports that the operation succeeded against a configuration that
	// allows every request and exposes ETag; Error is its error otherwise.
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	// NeedsExposed lists the response headers without which the operation
	// fails, and ErrorUnexposed the error it then fails with.
	NeedsExposed   []string  `json:"needsExposed"`
	ErrorUnexposed string    `json:"errorUnexposed"`
	Requests       []Request `json:"requests"`
}

// Request is one request an operation sent, with its preflight.
type Request struct {
	Operation string `json:"operation"` // the S3 operation, such as "UploadPart"
	Method    string `json:"method"`
	Target    string `json:"target"` // "object" or "bucket"
	Query     string `json:"query"`  // the names of the query parameters
	Preflight bool   `json:"preflight"`
	// RequestMethod and RequestHeaders are the preflight's
	// Access-Control-Request-Method and -Headers, as the browser sent them.
	RequestMethod  string `json:"requestMethod"`
	RequestHeaders string `json:"requestHeaders"`
	Status         int    `json:"status"`
	// Exposed lists the response headers the page could read.
	Exposed []string `json:"exposed"`
}
