// Package s3error writes S3's XML error answers, for the servers of
// s3cors's commands.
package s3error

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Write writes an S3 XML error answer, with a random request ID and host
// ID as S3 sends them, and no body for HEAD. extra holds more elements,
// in order, as name and value pairs.
func Write(w http.ResponseWriter, r *http.Request, status int, code, message string, extra ...string) {
	id := make([]byte, 8)
	rand.Read(id)
	host := make([]byte, 48)
	rand.Read(host)
	requestID := strings.ToUpper(hex.EncodeToString(id))
	hostID := base64.StdEncoding.EncodeToString(host)
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("X-Amz-Request-Id", requestID)
	h.Set("X-Amz-Id-2", hostID)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error>")
	element := func(name, value string) {
		b.WriteString("<" + name + ">")
		xml.EscapeText(&b, []byte(value))
		b.WriteString("</" + name + ">")
	}
	element("Code", code)
	element("Message", message)
	for i := 0; i+1 < len(extra); i += 2 {
		element(extra[i], extra[i+1])
	}
	element("RequestId", requestID)
	element("HostId", hostID)
	b.WriteString("</Error>")
	if r.Method == http.MethodHead {
		w.WriteHeader(status) // S3 sends no body with HEAD
		return
	}
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	io.WriteString(w, b.String())
}
