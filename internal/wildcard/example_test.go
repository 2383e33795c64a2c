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
	fmt.Println(errors.Is(err, matcher.ErrTooManyWildcards))
	// Output:
	// matcher: pattern "https://*.*.example.com" has 2 wildcards; S3 allows at most one "*"
	// true
}

func ExampleOriginIndex() {
	// The AllowedOrigin lists of a three-rule configuration.
	x, err := matcher.NewOriginIndex([][]string{
		{"https://www.example.com"},
		{"https://*.example.com"},
		{"*"},
	})
	if err != nil {
		panic(err)
	}
	for _, origin := range []string{"https://www.example.com", "https://api.example.com", "null"} {
		rules := x.Match(origin)
		fmt.Print(origin, ":")
		for i := rules.Next(0); i >= 0; i = rules.Next(i + 1) {
			fmt.Print(" ", i)
		}
		fmt.Println()
	}
	// Output:
	// https://www.example.com: 0 1 2
	// https://api.example.com: 1 2
	// null: 2
}

func ExampleHeaderSet() {
	h, err := matcher.NewHeaderSet([]string{"Content-Type", "x-amz-*"})
	if err != nil {
		panic(err)
	}
	fmt.Println(h.Match("content-type"), h.Match("x-amz-date"), h.Match("authorization"))
	// Output: true true false
}

func ExampleRuleSet_Next() {
	var s matcher.RuleSet
	s.Add(3)
	s.Add(64)
	s.Add(99)
	for i := s.Next(0); i >= 0; i = s.Next(i + 1) {
		fmt.Println(i)
	}
	// Output:
	// 3
	// 64
	// 99
}
