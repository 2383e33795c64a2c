package cors_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMiddlewareHTTP2RefusalKeepsConnection checks D13 over real HTTP/2: a
// refused preflight's 400 carries no Connection field, which Go's HTTP/2
// server would take as an order to shut the whole connection down, so the
// requests that follow, and the streams beside it, keep the connection.
// Over HTTP/1.1 the same 400 closes the connection, as S3's does.
func TestMiddlewareHTTP2RefusalKeepsConnection(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(mwPolicy(t, mwConfig).Handler(mwOK))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	client := srv.Client()

	do := func(method, acrm string) (resp *http.Response, reused bool) {
		t.Helper()
		trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused }}
		req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), method, srv.URL+"/key", nil)
		require.NoError(t, err)
		req.Header.Set("Origin", "https://app.example.com")
		if acrm != "" {
			req.Header.Set("Access-Control-Request-Method", acrm)
		}
		resp, err = client.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp, reused
	}

	resp, _ := do("GET", "")
	require.Equal(t, 2, resp.ProtoMajor, "the test needs HTTP/2")
	for range 3 {
		resp, reused := do("OPTIONS", "PATCH") // D2: 400
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Empty(t, resp.Header.Values("Connection"), "no Connection field over HTTP/2")
		assert.True(t, reused, "the refused preflight went over the existing connection")
		resp, reused = do("GET", "")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.True(t, reused, "the connection survived the refused preflight")
	}
}

// TestMiddlewareHTTP1RefusalClosesConnection checks D13 over HTTP/1.1: the
// 400 says Connection: close and the client opens a new connection.
func TestMiddlewareHTTP1RefusalClosesConnection(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(mwPolicy(t, mwConfig).Handler(mwOK))
	defer srv.Close()
	req, err := http.NewRequest("OPTIONS", srv.URL+"/key", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "https://app.example.com")
	req.Header.Set("Access-Control-Request-Method", "PATCH")
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.True(t, resp.Close, "Connection: close over HTTP/1.1")
}
