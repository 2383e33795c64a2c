// Package rule is the model of an Amazon S3 bucket CORS configuration: it
// reads, validates and writes CORSConfiguration documents exactly as S3's
// PutBucketCors and GetBucketCors do.
//
// A configuration is a list of at most 100 rules. Each rule names the
// origins (AllowedOrigin) and methods (AllowedMethod) it allows, the request
// headers a preflight may ask for (AllowedHeader), the response headers
// scripts may read (ExposeHeader), how long browsers may cache a preflight
// answer (MaxAgeSeconds), and an optional ID. Origins and allowed headers may
// contain one "*" wildcard; see package
// [github.com/s3cors/s3cors/matcher] for how S3 matches them.
//
// # Forms
//
// [Parse] accepts the three forms people write: the PutBucketCors XML body,
// the AWS CLI JSON ({"CORSRules": [...]}) and the S3 console's bare JSON
// array. [Configuration.Encode] writes any of them; its XML is byte for byte
// the GetBucketCors body, with each rule's elements in the order
// AllowedHeader, AllowedMethod, AllowedOrigin, ExposeHeader, ID,
// MaxAgeSeconds. Values are kept verbatim: S3 neither trims nor changes the
// case of what it stores, and neither does this package. An empty JSON list
// means to S3 the same as an absent one, because XML cannot tell them apart;
// the JSON forms keep it all the same, so that converting between them loses
// nothing.
//
// # Validation
//
// S3 refuses a configuration with HTTP 400 and one of these errors, reported
// for the first fault found:
//
//   - MaxMessageLengthExceeded, "Your request was too big.": the document
//     is larger than 64 KiB.
//   - MalformedXML, "The XML you provided was not well-formed or did not
//     validate against our published schema": the XML is not well-formed,
//     has an unknown element, no rule, more than 100 rules, a rule without
//     AllowedOrigin or AllowedMethod, two ID or MaxAgeSeconds elements in
//     one rule, an ID over 255 characters, or a MaxAgeSeconds that is not
//     a 32-bit integer.
//   - InvalidRequest, with a message naming the value: an AllowedMethod other
//     than GET, PUT, HEAD, POST or DELETE (case-sensitive), an AllowedOrigin
//     or AllowedHeader with more than one "*", an ExposeHeader with a "*",
//     or a header name with a character that is not an HTTP token character.
//
// S3 accepts an empty AllowedOrigin, "*" next to other origins, origins
// that are not URLs ("localhost", "null") and negative MaxAgeSeconds; so does
// this package. Errors are [*Error] values carrying S3's code, message and
// status, plus the rule, element and value at fault and an explanation for
// people. [Decode] and [Configuration.Problems] list every fault rather
// than the first.
//
// # Error documents
//
// [ErrorDocument] renders S3's XML error body byte for byte, for this and the
// other packages of the module and for S3 emulators.
//
// Identifiers such as P5, H7 or D13 in this package's documentation name
// the behaviours of Amazon S3 described, with their evidence, in
// docs/behaviour.md in the repository.
package rule
