package matcher_test

import (
	"errors"
	"fmt"

	"github.com/s3cors/s3cors/matcher"
)

func ExamplePattern() {
	p, err := matcher.Origin("http://*.example.com")
	if err != nil {
		panic(err)
	}
	for _, origin := range []string{
		"http://a.example.com",
		"http://a.b.example.com",
		"http://a.example.com/", // the trailing slash is part of the origin
		"HTTP://A.EXAMPLE.COM",  // origins are case-sensitive
		"https://a.example.com",
	} {
		fmt.Println(origin, p.Match(origin))
	}
	// Output:
	// http://a.example.com true
	// http://a.b.example.com true
	// http://a.example.com/ false
	// HTTP://A.EXAMPLE.COM false
	// https://a.example.com false
}

func ExampleOrigin_overlap() {
	p, _ := matcher.Origin("ab*ba")
	// The text before and after "*" may not overlap, but "*" may match nothing.
	fmt.Println(p.Match("aba"), p.Match("abba"))
	// Output: false true
}

func ExampleHeader() {
	p, _ := matcher.Header("x-AMZ-*")
	fmt.Println(p.Match("X-amz-date"), p.Match("x-amz-meta-color"), p.Match("content-type"))
	// Output: true true false
}

func ExampleOrigin_error() {
	_, err := matcher.Origin("https://*.*.example.com")
	fmt.Println(err)
	var pe *matcher.PatternError
	fmt.Println(errors.As(err, &pe), pe.Pattern)
	// Output:
	// matcher: pattern "https://*.*.example.com" has 2 wildcards; S3 allows at most one "*"
	// true https://*.*.example.com
}
