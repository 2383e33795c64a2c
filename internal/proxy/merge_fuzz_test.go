package proxy

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/cors"
)

// FuzzStripAndMerge sets header fields the upstream chose (name and value
// pairs separated by newlines) on a response that passes through the
// stripping writer and the CORS middleware, for a request from an allowed
// origin, and checks the result: exactly S3's Access-Control-* fields,
// one Vary line made of the upstream's other names followed by S3's, and
// every other field as the upstream set it.
func FuzzStripAndMerge(f *testing.F) {
	f.Add("Access-Control-Allow-Origin\n*\nVary\nOrigin, Accept-Encoding")
	f.Add("access-control-allow-origin\n*\nACCESS-CONTROL-MAX-AGE\n1\nvary\nACCESS-CONTROL-REQUEST-HEADERS")
	f.Add("Vary\n*\nX-A\nb")
	f.Add("Vary\n, ,Origin,,\nVary\nX-B")
	f.Add(http.TrailerPrefix + "Access-Control-Allow-Origin\n*")
	store := bucket.NewStore(func(string) bool { return true })
	if err := store.Put("photos", mustConfig(f)); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, fields string) {
		parts := strings.Split(fields, "\n")
		upstream := http.Header{}
		for i := 0; i+1 < len(parts); i += 2 {
			upstream[parts[i]] = append(upstream[parts[i]], parts[i+1])
		}
		h := cors.Middleware(store)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sw := &stripWriter{ResponseWriter: w}
			for k, v := range upstream {
				sw.Header()[k] = slices.Clone(v)
			}
			sw.WriteHeader(http.StatusOK)
		}))
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "http://s3.test/photos/x", nil)
		req.Header.Set("Origin", "https://app.example.com")
		h.ServeHTTP(rec, req)
		got := rec.Result().Header

		var cors []string
		for k, vs := range got {
			if isAccessControl(k) {
				cors = append(cors, k+": "+strings.Join(vs, "|"))
			}
		}
		slices.Sort(cors)
		want := []string{
			"Access-Control-Allow-Credentials: true",
			"Access-Control-Allow-Methods: GET, PUT",
			"Access-Control-Allow-Origin: https://app.example.com",
			"Access-Control-Expose-Headers: ETag",
		}
		if !slices.Equal(cors, want) {
			t.Errorf("upstream %q: CORS fields %q, want %q", upstream, cors, want)
		}
		// Vary: the upstream's names that are not CORS ones, then S3's.
		var others []string
		star := false
		for k, vs := range upstream {
			if !strings.EqualFold(k, "Vary") {
				continue
			}
			for _, v := range vs {
				for rest := v; rest != ""; {
					var tok string
					tok, rest = nextElement(rest)
					if tok == "*" {
						star = true
					}
					if tok != "" && !corsVary(tok) {
						others = append(others, tok)
					}
				}
			}
		}
		var vary []string
		for k, vs := range got {
			if strings.EqualFold(k, "Vary") {
				vary = append(vary, vs...)
			}
		}
		if star {
			return // "*" says everything varies: kept as the upstream's
		}
		var tokens []string
		for _, v := range vary {
			for rest := v; rest != ""; {
				var tok string
				if tok, rest = nextElement(rest); tok != "" {
					tokens = append(tokens, tok)
				}
			}
		}
		s3 := []string{"Origin", "Access-Control-Request-Headers", "Access-Control-Request-Method"}
		if len(tokens) < 3 || !slices.Equal(tokens[len(tokens)-3:], s3) {
			t.Errorf("upstream %q: Vary %q, want it to end with S3's names", upstream, vary)
			return
		}
		if rest := tokens[:len(tokens)-3]; len(rest) != len(others) {
			t.Errorf("upstream %q: Vary %q, want the upstream's other names %q first", upstream, vary, others)
		}
		// Every other field as the upstream set it.
		for k, vs := range upstream {
			if isAccessControl(k) || strings.EqualFold(k, "Vary") {
				continue
			}
			if !slices.Equal(got[k], vs) {
				t.Errorf("upstream field %q: %q, want %q", k, got[k], vs)
			}
		}
	})
}
