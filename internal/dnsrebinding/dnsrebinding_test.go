package dnsrebinding

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestLocalOnly checks that a server answers requests for this
// machine only, against DNS rebinding.
func TestLocalOnly(t *testing.T) {
	t.Parallel()
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := LocalOnly(inner, &net.TCPAddr{IP: net.IPv4(192, 0, 2, 10), Port: 8080})
	for host, want := range map[string]int{
		"127.0.0.1:8080":             http.StatusNoContent,
		"localhost:8080":             http.StatusNoContent,
		"app.localhost":              http.StatusNoContent,
		"[::1]:8080":                 http.StatusNoContent,
		"192.0.2.10:8080":            http.StatusNoContent, // the address it listens on
		"rebind.attacker.example":    http.StatusForbidden,
		"10.0.0.7:8080":              http.StatusForbidden,
		"localhost.attacker.example": http.StatusForbidden,
	} {
		req, err := http.NewRequest("GET", "http://x/missing.txt", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Host %s: %d, want %d", host, rec.Code, want)
		}
	}
}
