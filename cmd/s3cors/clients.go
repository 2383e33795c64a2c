package main

import (
	"embed"
	"fmt"
	"io"
	"sync"

	"github.com/s3cors/s3cors/internal/clientreplay"
)

// clientFiles are the recorded client profiles that lint --client replays
// (see package clientreplay). The AWS SDK for JavaScript v3's are recorded
// by examples/website/sdkprofile, which runs the SDK in headless Chromium
// against the S3 emulator of the examples.
//
//go:embed clients/*.json
var clientFiles embed.FS

// loadClients returns every recorded profile, in file and recording order.
var loadClients = sync.OnceValues(func() ([]*clientreplay.Profile, error) {
	return clientreplay.Load(clientFiles, "clients")
})

// writeClientsText prints the client section of a lint report: how each
// profile fares from each origin, the problems of the refused ones, then
// one fix per rule.
func writeClientsText(e *env, w io.Writer, reports []clientreplay.Report, fixes []clientreplay.Fix) {
	for _, cr := range reports {
		status := e.paint(styleGreen, "ok")
		if !cr.Allowed {
			status = e.paint(styleRed, "refused")
		}
		fmt.Fprintf(w, "  %s %s from %s\n", status, e.paint(styleBold, "client "+cr.Client), cr.Origin)
		for _, rr := range cr.Requests {
			for _, pr := range rr.Problems {
				fmt.Fprintf(w, "    %s %s: %s\n", e.paint(styleRed, "error  "), pr.Stage, pr.Message)
				if pr.Rule == nil {
					fmt.Fprintf(w, "                   fix: %s\n", pr.Fix)
				}
			}
		}
	}
	for _, f := range fixes {
		fmt.Fprintf(w, "                   fix: %s\n", f.Fix)
	}
}
