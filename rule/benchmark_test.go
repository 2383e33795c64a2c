package rule_test

import (
	"strconv"
	"testing"

	"github.com/s3cors/s3cors/rule"
)

// hundredRules is a configuration of 100 realistic rules, the most S3 allows.
func hundredRules() *rule.Configuration {
	c := &rule.Configuration{}
	for i := range 100 { // the most S3 allows (C4)
		n := strconv.Itoa(i)
		age := 3000
		c.Rules = append(c.Rules, rule.Rule{
			ID:             &n,
			AllowedHeaders: []string{"content-type", "x-amz-*"},
			AllowedMethods: []string{"GET", "PUT", "POST"},
			AllowedOrigins: []string{"https://app" + n + ".example.com", "https://*.tenant" + n + ".example.com"},
			ExposeHeaders:  []string{"ETag", "x-amz-version-id"},
			MaxAgeSeconds:  &age,
		})
	}
	return c
}

func BenchmarkParse100Rules(b *testing.B) {
	for _, f := range []rule.Form{rule.FormXML, rule.FormJSON} {
		doc := mustEncode(b, hundredRules(), f)
		b.Run(f.String(), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := rule.Parse(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode100Rules(b *testing.B) {
	c := hundredRules()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Encode(rule.FormXML); err != nil {
			b.Fatal(err)
		}
	}
}
