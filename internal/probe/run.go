// Package probe runs the conformance vectors against a live S3-compatible
// endpoint and leaves it as it found it: it plays them in a scratch bucket
// that it deletes afterwards, or in an existing bucket whose CORS
// configuration it saves and restores byte for byte. It also groups the
// results by behaviour for probe's summary.
package probe

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/s3cors/s3cors/conformance"
	"github.com/s3cors/s3cors/internal/s3client"
	"github.com/s3cors/s3cors/internal/sigv4"
)

// cleanupTimeout bounds the cleanup after a run (deleting the scratch
// bucket, or restoring the bucket's configuration), on top of the settle
// time, whether the run ended, failed or was interrupted.
const cleanupTimeout = 2 * time.Minute

// Outcome is what a run did: the report of the vectors, and how the
// bucket was left.
type Outcome struct {
	Bucket  string // the bucket played in: the scratch bucket or Config.Bucket
	Scratch bool

	Started     bool   // the vectors were played, or begun
	StartError  string // why the run did not start
	Report      *conformance.Report
	Interrupted bool   // cancelled, or a run error that ended it early
	Cancelled   bool   // the run was cancelled (Ctrl-C)
	RunError    string // the error the runner ended with

	// Saved is the bucket's configuration before the run (Config.Bucket):
	// GetBucketCors's body, or nil for none.
	Saved    []byte
	HadSaved bool

	Cleanup Cleanup
}

// Cleanup is how the bucket was left after the run.
type Cleanup struct {
	Done bool `json:"done"` // everything probe changed is undone
	// Action is what probe did when Done, such as "deleted the scratch
	// bucket …", else what it could not do, such as "restore the CORS
	// configuration of bucket …".
	Action  string `json:"action"`
	Problem string `json:"problem,omitempty"` // why it failed
	Remedy  string `json:"remedy,omitempty"`  // how to finish by hand
	// Left names what remains: the scratch bucket, or the bucket whose
	// configuration is not restored.
	Left string `json:"left,omitempty"`
	// Saved is the configuration to restore by hand when the restore
	// failed, as GetBucketCors returned it.
	Saved string `json:"savedConfiguration,omitempty"`
	// SavedFile is where Saved was written, when it could be.
	SavedFile string `json:"savedFile,omitempty"`
}

// prober runs probe against one endpoint.
type prober struct {
	cfg Config
	s3  *s3client.Client
}

// Config is what a run needs to know.
type Config struct {
	// Endpoint is the server's base URL.
	Endpoint *url.URL
	// Region is the region the scratch bucket is created in.
	Region string
	// Bucket is the existing bucket to play the vectors in, whose
	// configuration is restored afterwards; "" for a scratch bucket.
	Bucket string
	// Settle is the longest to wait for each configuration change.
	Settle time.Duration
	// Client sends the requests, signed (see s3client.SigningTransport).
	Client *http.Client
}

// Run plays the vectors in a scratch bucket or in cfg.Bucket, and leaves
// the endpoint as it found it, whether the run ends, fails or ctx is
// cancelled.
func Run(ctx context.Context, cfg Config) Outcome {
	p := &prober{cfg: cfg, s3: &s3client.Client{Endpoint: cfg.Endpoint.String(), HTTP: cfg.Client}}
	return p.run(ctx)
}

func (p *prober) run(ctx context.Context) Outcome {
	out := Outcome{Bucket: p.cfg.Bucket, Scratch: p.cfg.Bucket == ""}
	if out.Scratch {
		var b [8]byte
		_, _ = rand.Read(b[:])
		out.Bucket = "s3cors-probe-" + hex.EncodeToString(b[:])
		if err := p.createBucket(ctx, out.Bucket); err != nil {
			out.StartError = fmt.Sprintf("creating the scratch bucket %s: %v", out.Bucket, err)
			// The bucket may exist nonetheless (a dropped answer):
			// delete it if so.
			out.Cleanup = p.deleteScratch(ctx, out.Bucket, true)
			return out
		}
	} else {
		saved, none, err := p.s3.ReadCORS(ctx, out.Bucket)
		if err != nil {
			out.StartError = fmt.Sprintf("reading the CORS configuration of bucket %s: %v; probe would replace it and could not restore it, so it did not start: check the bucket name and that the credentials may call GetBucketCors, PutBucketCors and DeleteBucketCors on it", out.Bucket, err)
			out.Cleanup = Cleanup{Done: true, Action: "nothing was changed"}
			return out
		}
		out.Saved, out.HadSaved = saved, !none
	}

	out.Started = true
	rep, err := conformance.Check(ctx, conformance.Target{
		URL:    p.cfg.Endpoint.String(),
		Client: p.cfg.Client,
		Bucket: out.Bucket,
		Settle: p.cfg.Settle,
	})
	if rep == nil {
		rep = &conformance.Report{}
	}
	out.Report = rep
	if err != nil {
		out.Interrupted = true
		out.RunError = err.Error()
		if ctx.Err() != nil {
			out.Cancelled = true
			out.RunError = "interrupted: " + err.Error()
		}
	}

	if out.Scratch {
		out.Cleanup = p.deleteScratch(ctx, out.Bucket, false)
	} else {
		out.Cleanup = p.restore(ctx, out.Bucket, out.Saved, out.HadSaved)
	}
	return out
}

// cleanupContext is the context of the work after a run: not cancelled by
// Ctrl-C, bounded in time.
func (p *prober) cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout+p.cfg.Settle)
}

// createBucket creates the scratch bucket, in the region.
func (p *prober) createBucket(ctx context.Context, name string) error {
	var body []byte
	if p.cfg.Region != sigv4.DefaultRegion {
		body = []byte(`<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>` + p.cfg.Region + `</LocationConstraint></CreateBucketConfiguration>`)
	}
	resp, err := p.s3.Call(ctx, http.MethodPut, "/"+name, nil, body)
	if err != nil {
		return err
	}
	if resp.Status != http.StatusOK {
		return fmt.Errorf("CreateBucket answered %v: check that the credentials may create buckets, or pass --bucket to play the vectors in an existing bucket", resp)
	}
	return nil
}

// deleteScratch deletes the scratch bucket and every object in it. maybe
// says the bucket may not exist (its creation failed), and that its
// absence is then no problem.
func (p *prober) deleteScratch(ctx context.Context, name string, maybe bool) Cleanup {
	ctx, cancel := p.cleanupContext(ctx)
	defer cancel()
	out := Cleanup{Action: "deleted the scratch bucket " + name}
	fail := func(err error) Cleanup {
		out.Done = false
		out.Action = "delete the scratch bucket " + name
		out.Problem = err.Error()
		out.Left = name
		out.Remedy = fmt.Sprintf("aws s3 rb s3://%s --force --endpoint-url %s", name, p.cfg.Endpoint)
		return out
	}
	deleted := 0
	for round := 0; ; round++ {
		keys, err := p.s3.ListKeys(ctx, name)
		if err != nil {
			var missing s3client.ErrNoSuchBucket
			if errors.As(err, &missing) {
				if maybe {
					out.Action = "nothing to delete: the scratch bucket was not created"
				}
				out.Done = true
				return out
			}
			return fail(fmt.Errorf("listing its objects: %w", err))
		}
		for _, k := range keys {
			resp, err := p.s3.Retry(ctx, http.MethodDelete, "/"+name+"/"+s3client.EscapeKey(k), nil, nil)
			if err != nil {
				return fail(fmt.Errorf("deleting object %s: %w", k, err))
			}
			if resp.Status != http.StatusNoContent && resp.Status != http.StatusOK && resp.Status != http.StatusNotFound {
				return fail(fmt.Errorf("deleting object %s: DeleteObject answered %v", k, resp))
			}
			deleted++
		}
		resp, err := p.s3.Retry(ctx, http.MethodDelete, "/"+name, nil, nil)
		if err != nil {
			return fail(fmt.Errorf("DeleteBucket: %w", err))
		}
		switch {
		case resp.Status == http.StatusNoContent || resp.Status == http.StatusOK || resp.Code() == "NoSuchBucket":
			if deleted > 0 {
				out.Action += fmt.Sprintf(" and the %d objects in it", deleted)
			}
			out.Done = true
			return out
		case resp.Code() == "BucketNotEmpty" && round < 3:
			continue // a listing that lagged behind
		}
		return fail(fmt.Errorf("DeleteBucket answered %v", resp))
	}
}

// restore puts the bucket's saved configuration back, or deletes the one
// the run left, and checks that GetBucketCors reads the saved state.
func (p *prober) restore(ctx context.Context, name string, saved []byte, hadSaved bool) Cleanup {
	ctx, cancel := p.cleanupContext(ctx)
	defer cancel()
	out := Cleanup{Action: "restored the CORS configuration of bucket " + name + " byte for byte"}
	if !hadSaved {
		out.Action = "deleted the CORS configuration of bucket " + name + ", which had none"
	}
	fail := func(err error) Cleanup {
		out.Done = false
		out.Action = "restore the CORS configuration of bucket " + name
		if !hadSaved {
			out.Action = "delete the CORS configuration of bucket " + name + ", which had none"
		}
		out.Problem = err.Error()
		out.Left = name
		if hadSaved {
			out.Saved = string(saved)
			out.SavedFile = saveConfiguration(name, saved)
			file := out.SavedFile
			if file == "" {
				file = "cors.xml"
				out.Remedy = "save the configuration below as cors.xml, then run: "
			}
			out.Remedy += fmt.Sprintf("aws s3api put-bucket-cors --bucket %s --endpoint-url %s --cors-configuration \"$(s3cors convert %s --to json)\"", name, p.cfg.Endpoint, file)
		} else {
			out.Remedy = fmt.Sprintf("aws s3api delete-bucket-cors --bucket %s --endpoint-url %s", name, p.cfg.Endpoint)
		}
		return out
	}
	if hadSaved {
		sum := md5.Sum(saved)
		h := http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}, "Content-Type": {"application/xml"}}
		resp, err := p.s3.Retry(ctx, http.MethodPut, "/"+name+"?cors", h, saved)
		if err != nil {
			return fail(fmt.Errorf("PutBucketCors: %w", err))
		}
		if resp.Status != http.StatusOK {
			return fail(fmt.Errorf("PutBucketCors answered %v", resp))
		}
	} else {
		resp, err := p.s3.Retry(ctx, http.MethodDelete, "/"+name+"?cors", nil, nil)
		if err != nil {
			return fail(fmt.Errorf("DeleteBucketCors: %w", err))
		}
		if resp.Status != http.StatusNoContent && resp.Status != http.StatusOK {
			return fail(fmt.Errorf("DeleteBucketCors answered %v", resp))
		}
	}
	// Poll until GetBucketCors reads the saved state, up to --settle.
	deadline := time.Now().Add(p.cfg.Settle)
	wait := 100 * time.Millisecond
	for {
		got, none, err := p.s3.ReadCORS(ctx, name)
		if err == nil && none == !hadSaved && bytes.Equal(got, saved) {
			out.Done = true
			return out
		}
		if time.Now().Add(wait).After(deadline) {
			if err != nil {
				return fail(fmt.Errorf("checking the restored configuration: %w", err))
			}
			what := "no configuration"
			if !none {
				what = "a different configuration"
			}
			return fail(fmt.Errorf("after the restore GetBucketCors still reads %s (waited %v: pass a longer --settle if the endpoint applies changes slowly)", what, p.cfg.Settle))
		}
		select {
		case <-ctx.Done():
			return fail(fmt.Errorf("checking the restored configuration: %w", ctx.Err()))
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

// saveConfiguration writes a configuration that could not be restored to
// a file of its own in the temporary folder, and returns its name, or ""
// when it cannot be written.
func saveConfiguration(bucketName string, saved []byte) string {
	f, err := os.CreateTemp("", "s3cors-probe-"+bucketName+"-*.xml")
	if err != nil {
		return ""
	}
	_, err = f.Write(saved)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return ""
	}
	return f.Name()
}
