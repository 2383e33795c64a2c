// Package dnsrebinding keeps the development servers of s3cors's commands
// out of reach of web pages that point a DNS name of theirs at this machine
// (DNS rebinding).
package dnsrebinding

import (
	"net"
	"net/http"
	"strings"

	"github.com/s3cors/s3cors/internal/s3error"
)

// LocalOnly refuses requests whose Host is not this machine: a page on
// any site could otherwise reach a development server through a DNS name
// it points at 127.0.0.1 (DNS rebinding), and read, or with --writable
// change, the served folder. Loopback addresses, "localhost", names ending
// in ".localhost" and the address the server listens on are accepted.
func LocalOnly(next http.Handler, listen net.Addr) http.Handler {
	listenHost, _, _ := net.SplitHostPort(listen.String())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		ip := net.ParseIP(host)
		local := strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") ||
			(ip != nil && (ip.IsLoopback() || ip.String() == listenHost))
		if !local {
			s3error.Write(w, r, http.StatusForbidden, "AccessDenied",
				"s3cors serve answers requests for this machine only (Host "+r.Host+"); to serve other host names, pass --any-host")
			return
		}
		next.ServeHTTP(w, r)
	})
}
