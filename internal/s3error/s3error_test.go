package s3error

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestWrite checks the error document S3 sends (E1): Code, Message, the
// extra elements in order, RequestId and HostId, matching the headers, and
// no body for HEAD.
func TestWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	Write(rec, httptest.NewRequest(http.MethodGet, "/k", nil), http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", "Key", "a<b")
	var doc struct {
		Code, Message, Key, RequestId, HostId string
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 404 || doc.Code != "NoSuchKey" || doc.Key != "a<b" || doc.RequestId != rec.Header().Get("X-Amz-Request-Id") || doc.HostId != rec.Header().Get("X-Amz-Id-2") {
		t.Errorf("%d %+v %v", rec.Code, doc, rec.Header())
	}
	rec = httptest.NewRecorder()
	Write(rec, httptest.NewRequest(http.MethodHead, "/k", nil), http.StatusNotFound, "NoSuchKey", "m")
	if rec.Code != 404 || rec.Body.Len() != 0 {
		t.Errorf("HEAD: %d, %d bytes", rec.Code, rec.Body.Len())
	}
}
