package bucket_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/rule"
)

// failingReader fails as a connection that breaks mid-body does.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// TestOperations checks the transport-neutral bucket CORS API: statuses,
// bodies and S3's error documents without request IDs (C1, V1, G1–G4, E1).
func TestOperations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := bucket.NewStore(newBuckets("photos").exists)
	doc := validXML("https://a.example")
	md5 := map[string][]string{"Content-Md5": {md5Of(doc)}}

	rep := store.GetBucketCors("photos")
	assert.Equal(t, 404, rep.Status)
	assert.Equal(t, "NoSuchCORSConfiguration", rep.Error.Code)
	assert.Equal(t, "photos", rep.Error.BucketName)
	assert.Empty(t, rep.Error.RequestID+rep.Error.HostID, "the server sets the IDs")

	rep = store.PutBucketCors(ctx, "photos", md5, strings.NewReader(doc))
	assert.Equal(t, bucket.Reply{Status: 200}, rep)
	rep = store.GetBucketCors("photos")
	assert.Equal(t, 200, rep.Status)
	assert.Nil(t, rep.Error)
	assert.Contains(t, string(rep.Body), "<AllowedOrigin>https://a.example</AllowedOrigin>")

	rep = store.PutBucketCors(ctx, "photos", md5, failingReader{})
	assert.Equal(t, 400, rep.Status)
	assert.Equal(t, "IncompleteBody", rep.Error.Code)

	for range 2 {
		assert.Equal(t, bucket.Reply{Status: 204}, store.DeleteBucketCors(ctx, "photos"))
	}
	assert.Nil(t, store.Get("photos"))

	for _, rep := range []bucket.Reply{
		store.PutBucketCors(ctx, "nope", md5, strings.NewReader(doc)),
		store.GetBucketCors("nope"),
		store.DeleteBucketCors(ctx, "nope"),
	} {
		assert.Equal(t, 404, rep.Status)
		assert.Equal(t, "NoSuchBucket", rep.Error.Code)
		assert.Equal(t, "nope", rep.Error.BucketName)
	}
}

// TestPutRefusesMaxAgeOutOfRange checks that the Store keeps no
// configuration that PutBucketCors would refuse: a MaxAgeSeconds beyond
// S3's 32-bit range is MalformedXML (V7, D16).
func TestPutRefusesMaxAgeOutOfRange(t *testing.T) {
	t.Parallel()
	store := bucket.NewStore(newBuckets("photos").exists)
	age := 1 << 40
	err := store.Put("photos", &rule.Configuration{Rules: []rule.Rule{{
		AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}, MaxAgeSeconds: &age,
	}}})
	var re *rule.Error
	if assert.ErrorAs(t, err, &re) {
		assert.Equal(t, rule.CodeMalformedXML, re.Code)
	}
	assert.Nil(t, store.Get("photos"))
}
