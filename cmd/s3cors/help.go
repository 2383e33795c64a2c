package main

import (
	"fmt"
	"strings"
)

const mainUsage = `s3cors checks, explains, converts and serves Amazon S3 bucket CORS
configurations, applying the same rules as S3.

Usage:
  s3cors <command> [flags] [arguments]

Commands:
  lint      report what S3 would refuse and what it would accept but should not;
            with --client, which requests of a recorded client (the AWS SDK
            for JavaScript v3, presigned URLs) the configuration refuses
  explain   show S3's exact answer to a request, and why each rule matched or
            not; with --har, explain the CORS failures of a browser's export
  convert   rewrite a configuration as XML, AWS CLI JSON or S3 console JSON
  serve     serve a folder as a CORS-enabled bucket, for local development;
            with --writable, uploads too
  probe     test a live S3-compatible endpoint's CORS against S3's recorded
            answers, in a scratch bucket or an existing one it restores
  proxy     put S3's exact bucket CORS in front of any S3-compatible server
  help      show help for a command
  version   print the version

A configuration may be written as the PutBucketCors XML body, the AWS CLI
JSON ({"CORSRules": [...]}) or the S3 console JSON (a bare array of rules);
every command reads all three. A file name of - means standard input, which
a command reads once. s3cors reads at most 64 KiB of a configuration, the
most S3 accepts: a larger one gets S3's answer, MaxMessageLengthExceeded,
without the rest being read.

Examples:
  s3cors lint cors.json
  s3cors lint cors.json --client aws-sdk-js-v3
  s3cors explain cors.xml --origin https://app.example.com --request-method PUT
  s3cors explain cors.json --har failing-upload.har
  s3cors convert cors.json --to xml
  s3cors serve --config cors.json --dir ./public
  s3cors probe --endpoint http://127.0.0.1:9000
  s3cors proxy --upstream http://127.0.0.1:9000

Run 's3cors help <command>' for the flags and examples of a command.
`

const versionUsage = `Usage: s3cors version

Prints the version of s3cors.

Example:
  s3cors version
`

// commandHelp holds the help text of each command.
var commandHelp = map[string]string{
	"lint":    lintUsage(),
	"explain": explainUsage,
	"convert": convertUsage,
	"serve":   serveUsage,
	"proxy":   proxyUsage,
	"probe":   probeUsage,
	"help":    helpUsage,
	"version": versionUsage,
}

func lintUsage() string {
	var b strings.Builder
	b.WriteString(`Usage: s3cors lint [--format text|json] [--fail-on error|warning|info]
         [--client NAME]... [--origin ORIGIN]... FILE...

Lint first gives S3's verdict on each configuration: whether PutBucketCors
would accept it and, if not, the error code and message S3 answers with (the
first problem), followed by every other problem S3 would report once that one
is fixed, each with its rule and value. Then it reports findings that S3
accepts without complaint but that are mistakes or risks, each with an ID,
a severity, why it matters and a suggested fix. Findings are reported for
configurations that S3 refuses too, as far as they can be judged, so that
everything can be fixed in one go.

Flags:
  --format text|json   output for people (default), or JSON
  --fail-on LEVEL      lowest severity that makes lint exit 1: error
                       (default), warning or info; S3's refusals count as
                       errors
  --client NAME        replay the requests a real client sends from a
                       browser (repeatable, or comma-separated); "list"
                       prints the recorded clients and their versions
  --origin ORIGIN      the page's origin for --client (repeatable)

A configuration larger than 64 KiB, the most S3 accepts, is refused as S3
refuses it (MaxMessageLengthExceeded, "Your request was too big.") after
reading only that much. Standard input (-) may be given once.

Exit status: 0 when nothing reaches --fail-on, 1 when something does, 2 for a
usage error or a file that cannot be read (the other files are still linted).

JSON output is one array with an object per file, in argument order:
  [{"file": "cors.json",
    "s3": {"accepted": false,
           "errors": [{"code": "...", "message": "...", "rule": 0,
                       "value": "...", "detail": "..."}]},
    "findings": [{"id": "S3C104", "severity": "error", "rule": 0,
                  "value": "...", "message": "...", "fix": "..."}]}]
With --client, each object also has "clients", one entry per profile and
origin (empty when S3 refuses the configuration):
    "clients": [{"client": "aws-sdk-js-v3:multipart",
                 "origin": "https://app.example.com", "allowed": false,
                 "requests": [{"operation": "UploadPart", "method": "PUT",
                   "preflight": true, "requestHeaders": ["authorization", ...],
                   "allowed": false, "rule": 0,
                   "problems": [{"stage": "expose", "rule": 0,
                     "header": "ETag", "message": "...", "fix": "..."}]}]}]
"stage" is "preflight" (S3 refuses the preflight), "request" (S3 sends no
CORS headers with the response) or "expose" (a header the client must read
is not exposed); "rule" of a request is the rule that allows it, and of a
problem the rule its fix changes; "header" is the header at fault, or null.
"code" and "message" are S3's, byte for byte; "detail" says in plain words
what is wrong and how to fix it. "rule" is the zero-based rule index, or null
when the item concerns the whole document; "value" is the value at fault, or
null. Characters such as <, > and & are written as they are, not escaped.

Client profiles (--client) replay the requests a real client sends from a
browser, each with its preflight as the browser sent it, through the
configuration, with the same engine as explain, and report each request the
configuration refuses: why each rule refuses it and the smallest change that
allows it, such as the headers to add to a rule's AllowedHeaders, or ETag to
add to its ExposeHeaders when the client must read that response header
(multipart uploads). A NAME is a profile (aws-sdk-js-v3:multipart), a client
for all its profiles (aws-sdk-js-v3) or an operation alone (put-object):
  aws-sdk-js-v3:put-object      PutObjectCommand
  aws-sdk-js-v3:multipart       Upload of @aws-sdk/lib-storage
  aws-sdk-js-v3:get-object      GetObjectCommand
  aws-sdk-js-v3:presigned-put   fetch PUT to a URL of getSignedUrl
  aws-sdk-js-v3:presigned-post  form POST of createPresignedPost
  aws-sdk-js-v3:delete-object   DeleteObjectCommand
The requests come from each --origin, or else from every origin the
configuration allows: each AllowedOrigin as written, a pattern with "app"
(or port 8080) in place of its "*" (https://*.example.com gives
https://app.example.com), and "*" as https://app.example.com. A refused
request makes lint exit 1 whatever --fail-on says.

Findings (IDs are stable; S3C1xx origins, S3C2xx headers, S3C3xx rule
order, S3C4xx methods and exposed headers, S3C5xx MaxAgeSeconds):
`)
	for _, c := range allChecks {
		fmt.Fprintf(&b, "  %s  %-7s  %s\n", c.ID, c.Severity, c.Title)
	}
	b.WriteString(`
S3 sends Access-Control-Allow-Credentials: true with every origin it echoes,
that is, for every rule without "*" among its origins; a broad pattern in such
a rule lets other sites read responses with the user's cookies, hence error.

Examples:
  s3cors lint cors.json
  s3cors lint --fail-on warning cors/*.json
  s3cors lint --format json cors.xml | jq '.[].findings[].id'
  aws s3api get-bucket-cors --bucket my-bucket | s3cors lint -
  s3cors lint --client aws-sdk-js-v3 --origin https://app.example.com cors.json
  s3cors lint --client list
`)
	return b.String()
}

const explainUsage = `Usage: s3cors explain FILE --origin ORIGIN [--method METHOD]
         [--request-method METHOD] [--request-header HEADERS]...
         [--target object|bucket] [--request FILE|-] [--format text|json]
       s3cors explain [FILE] --har HARFILE|- [--format text|json]

Explain prints exactly what S3 would answer to one request under the
configuration in FILE: for a preflight (OPTIONS) the status, the headers in
S3's order and the XML error body; for any other request the CORS headers S3
adds to its response. Then it says, rule by rule, why each rule did or did not
match. S3 applies the first rule that matches.

Flags:
  --origin ORIGIN          the Origin header, such as https://app.example.com
                           (required unless --request gives one; pass
                           --origin "" for a request without Origin)
  --method METHOD          the request's method (default OPTIONS when
                           --request-method is given, else GET)
  --request-method METHOD  the Access-Control-Request-Method header
  --request-header HEADERS the Access-Control-Request-Headers header, such as
                           "content-type, x-amz-date"; may be repeated
  --target object|bucket   whether the URL names an object or the bucket
                           itself (default object); decides the
                           ResourceType of a refused preflight
  --request FILE|-         read the request from a file or standard input,
                           as "curl -v" prints it ("> OPTIONS /key HTTP/1.1",
                           "> Origin: ..."), as browser developer tools
                           show request headers ("Name: value" lines,
                           optionally after a request line) or as they
                           copy a request ("Copy as cURL", bash form:
                           curl 'URL' -X OPTIONS -H 'Origin: ...'), as
                           UTF-8 text of at most 1 MiB; flags override
                           what it says
  --har HARFILE|-          explain every CORS request recorded in a HAR
                           export of the browser's Network panel instead
                           (see below)
  --format text|json       output for people (default), or JSON

With --request, the target comes from the request line's path, with the query
ignored: "/" is the bucket. When the Host header is a path-style S3 endpoint
(s3.amazonaws.com, s3.REGION.amazonaws.com, s3-REGION.amazonaws.com), an IP
address or localhost, the first path segment is the bucket name, so
"/bucket" and "/bucket/" are the bucket and "/bucket/key" an object. With any
other Host (virtual-hosted style, such as bucket.s3.amazonaws.com, or a
custom domain) or none, every path other than "/" is an object.

The request must hold a request line or one of the headers explain reads
(Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Host,
:method, :path, :authority); binary data and text that is not UTF-8 are
refused. A request larger than 1 MiB is refused after reading that much: a
request's head is far smaller (Go's HTTP server, for one, accepts no more
than 1 MiB), and the limit leaves room for the response lines "curl -v"
prints after it, though not for a large response body: keep that out with
curl's -o /dev/null.

JSON output:
  {"kind": "preflight" or "actual",
   "status": 200 (preflight only; null for actual requests),
   "headers": [["Access-Control-Allow-Origin", "..."], ...],
   "error": {"code": "...", "message": "...", "method": "...",
             "resource_type": "..."} or null,
   "matched_rule": 0 or null,
   "rules": [{"index": 0, "id": "..." or null, "matched": true,
              "reason": "..."}]}
"matched" tells whether the rule on its own allows the request;
"matched_rule" is the first such rule, the one S3 applies. Characters such
as <, > and & are written as they are, not escaped.

With --har, explain reads a HAR file ("Save all as HAR" in Chromium's or
Firefox's Network panel; at most 32 MiB) and picks the requests that involve
CORS: those with a cross-origin Origin, preflights (OPTIONS with
Access-Control-Request-Method) and responses with Access-Control-* headers.
Each preflight is paired with the request it was sent for. For each
exchange it says whether the browser let the page read the response and, if
not, why, with a fix:
  - with FILE, the bucket's configuration, each request is evaluated as S3
    evaluates it, and the rule clause that refused it is named (origin,
    method or a requested header, such as x-amz-checksum-crc32 missing from
    AllowedHeaders), with every rule's reason;
  - without FILE, the recorded answers are judged: a refused preflight, a
    missing Access-Control-Allow-Origin, another origin's answer, a
    requested header missing from Access-Control-Allow-Headers, "*" for a
    request with cookies, an ETag the page cannot read.
Failures that look like CORS errors in the browser but that no CORS
configuration causes or cures are named as such: a preflight answered with a
redirect (3xx), a preflight refused by authentication (SignatureDoesNotMatch
and other credential errors, or 401: S3 answers preflights unauthenticated),
an expired presigned URL (403 "Request has expired", or X-Amz-Date plus
X-Amz-Expires before the request was sent), and Private Network Access
(Access-Control-Request-Private-Network, which S3 never answers).

JSON output with --har:
  {"file": "...", "configuration": "cors.json" or null, "entries": 12,
   "exchanges": [{"method": "PUT", "url": "...", "origin": "...",
     "preflight": {"entry": 3, "method": "OPTIONS", "status": 403,
                   "request_method": "PUT", "request_headers": ["..."],
                   "rules": [...]} or null,
     "actual": {"entry": 4, "method": "PUT", "status": 0, "rules": [...]}
               or null,
     "outcome": "allowed", "refused", "look-alike" or "no-origin",
     "findings": [{"kind": "header-not-allowed", "severity": "error",
                   "message": "...", "fix": "..."}]}]}
"entry" is the zero-based index in the HAR's log.entries; status 0 means
no response was recorded, as for a request the browser blocked. "rules" (as
above) appear only with FILE. Kinds of findings: header-not-allowed,
method-not-allowed, origin-not-allowed, bad-preflight, preflight-refused,
no-configuration, no-bucket, missing-allow-origin, origin-mismatch,
credentials-with-wildcard, credentials-not-allowed, no-response,
redirected-preflight, authenticated-preflight, expired-presigned-url,
private-network-access, and the notes header-not-exposed, recorded-differs
and no-origin.

Exit status: 0 when the answer was printed, whatever it is; 1 when S3 would
refuse the configuration (its error is printed); 2 for a usage error or a file
that cannot be read.

Examples:
  s3cors explain cors.json --origin https://app.example.com
  s3cors explain cors.json --origin https://app.example.com \
      --request-method PUT --request-header content-type
  curl -sv -X OPTIONS https://bucket.s3.amazonaws.com/key \
      -H 'Origin: https://app.example.com' \
      -H 'Access-Control-Request-Method: PUT' 2>&1 | s3cors explain cors.json --request -
  s3cors explain cors.json --har app.example.com.har
  aws s3api get-bucket-cors --bucket my-bucket | s3cors explain - --har upload.har
`

const convertUsage = `Usage: s3cors convert FILE --to xml|json|console

Convert rewrites a configuration in another form, without losing anything:
rule order, value order, case and IDs are kept.

  xml      the XML body exactly as GetBucketCors returns it
  json     the AWS CLI JSON ({"CORSRules": [...]}), as for
           "aws s3api put-bucket-cors --cors-configuration file://..."
  console  the S3 console JSON (a bare array of rules)

The configuration must be one S3 accepts: otherwise convert prints S3's error
and exits 1. Exit status 2 means a usage error or a file that cannot be read.

Examples:
  s3cors convert cors.xml --to json > cors.json
  s3cors convert cors.json --to console
  aws s3api get-bucket-cors --bucket my-bucket | s3cors convert - --to xml
`

const serveUsage = `Usage: s3cors serve --config FILE --dir DIR [--addr ADDR] [--cache-safe]
         [--writable [--max-upload SIZE]] [--dotfiles] [--any-host]

Serve serves the files of DIR as if they were the objects of an S3 bucket
with the CORS configuration in FILE, so that a page in development meets the
same CORS answers as it will from S3: preflights are answered as S3 answers
them, and other responses, errors included, get S3's CORS headers. "/" is
the bucket, every other path an object whose key is the file's path in DIR.
One line per request goes to standard error, with the method, path, status
and the CORS verdict (the rule that matched, refused, or no Origin). Stop it
with Ctrl-C.

It answers as a bucket does, not as a web server: a missing key, a folder
and a key with a segment starting with "." (such as .env or .git/config,
unless --dotfiles) get S3's 404 NoSuchKey XML error; "/" gets 403
AccessDenied, as S3 answers an anonymous listing; nothing is listed and
nothing redirects (no index.html, no added slash). GET and HEAD return the
object with ETag (the quoted MD5 of the content, as S3 gives for objects
uploaded in one part) and Last-Modified, and honour conditional and range
requests. Other methods get 405 MethodNotAllowed, PUT and DELETE too unless
--writable.

With --writable, PUT stores the request body as the object (creating
folders as needed, through a temporary file renamed into place, so that
readers never see half an upload) and answers 200 with its ETag; DELETE
removes it and answers 204, as S3 does whether or not it existed. A body
larger than --max-upload gets S3's 400 EntityTooLarge. Keys that are not
plain paths inside DIR (empty, "." or ".." segments, backslashes) get 400
InvalidArgument, so nothing is written outside DIR.

It answers requests for this machine only: a Host other than a loopback
address, localhost, a name ending in .localhost or the address it listens
on gets 403, so that a web page cannot reach the folder through a DNS name
pointed at this machine (DNS rebinding). --any-host lifts that.

It closes connections that stall, so that none is held forever: a client
must send a request's head within 10 seconds and the whole request within
30; a response must be written within 30 seconds; a keep-alive connection
idle for 60 seconds is closed (browsers open a new one when needed). An
upload must therefore arrive within 30 seconds.

Flags:
  --config FILE      the CORS configuration (required)
  --dir DIR          the folder to serve (required)
  --addr ADDR        where to listen (default 127.0.0.1:8080; use
                     127.0.0.1:0 for any free port)
  --cache-safe       add "Vary: Origin" to responses no rule matched, so
                     browser and CDN caches do not reuse them across
                     origins; S3 does not do this
  --writable         accept PUT (upload) and DELETE
  --max-upload SIZE  the largest upload --writable accepts, in bytes or
                     with KiB, MiB or GiB (default 100MiB)
  --dotfiles         serve keys with a segment starting with "."
  --any-host         answer requests whatever their Host (see above)

Exit status: 0 after Ctrl-C; 1 when S3 would refuse the configuration; 2 for
a usage error, a file that cannot be read or an address that cannot be used.

Examples:
  s3cors serve --config cors.json --dir ./public --addr 127.0.0.1:9000
  s3cors serve --config cors.json --dir ./bucket --writable --max-upload 10MiB
`

const probeUsage = `Usage: s3cors probe --endpoint URL [--region REGION] [--bucket NAME]
         [--path-style | --virtual-host] [--settle DURATION] [--timeout DURATION]
         [--format text|json|markdown] [--dry-run]

Probe tests the CORS of a running S3-compatible server against Amazon S3's
recorded answers: it plays the conformance vectors (preflights, CORS headers
of other requests, PutBucketCors validation, GetBucketCors, DeleteBucketCors)
and reports, vector by vector, each header, status or error element that
differs from S3's, then a summary by behaviour, with the rules of the
behaviour document each group covers.

It writes to the account, so it leaves the endpoint as it found it:

  - Without --bucket it creates a scratch bucket, s3cors-probe-<random hex>
    (with a LocationConstraint outside us-east-1), plays every vector in it,
    then deletes the objects the vectors wrote and the bucket.
  - With --bucket it first reads the bucket's CORS configuration
    (GetBucketCors) and keeps it byte for byte, or notes that there is none;
    if it cannot read it (403, or any other error) it does not start. After
    the run it puts the configuration back (PutBucketCors with Content-MD5),
    or deletes the run's, and reads it again until it is the saved one, up
    to --settle. Objects the vectors write go under a key prefix of their
    own and are deleted; the bucket's other objects are not touched.

The cleanup or the restore happens when the run ends, fails, or is stopped
with Ctrl-C (or SIGTERM); calls that fail with a network error or a 5xx
answer are tried again. When it still fails, probe prints what is left (the
bucket, or the saved configuration, which it also writes to a file) and the
command that finishes the job by hand, and exits 3.

Requests are signed with AWS Signature Version 4 (preflights are not:
browsers never sign them). The credentials come from AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or from --access-key,
--secret-key and --session-token, which other users of the machine may see
in the process list. Secrets are never printed.

S3 applies configuration changes eventually: after each change probe polls
GetBucketCors and a preflight until the change is in effect, up to --settle,
and reports how long changes took (minimum, median, maximum).

Flags:
  --endpoint URL        the server's base URL, such as
                        https://s3.eu-west-1.amazonaws.com (required)
  --region REGION       the region to sign for and create the scratch bucket
                        in (default: AWS_REGION, then AWS_DEFAULT_REGION,
                        then us-east-1)
  --bucket NAME         play the vectors in this existing bucket instead of
                        a scratch bucket, and restore its configuration
  --path-style          address buckets as URL/bucket/key (the default)
  --virtual-host        address buckets as bucket.host/key
  --settle DURATION     the longest to wait for each configuration change to
                        take effect (default 60s; 0 does not wait)
  --timeout DURATION    the longest one request may take (default 30s)
  --format FORMAT       text (default), json, or markdown: the rows of a
                        compatibility table, one per behaviour
  --dry-run             send nothing: list every request a run would send,
                        in order, with the names of its headers, from a run
                        against an in-memory server
  --access-key ID, --secret-key SECRET, --session-token TOKEN
                        credentials, instead of the environment

The JSON document has: endpoint, region, addressing ("path-style" or
"virtual-host"), bucket, scratch_bucket, complete (false when the run was
stopped or could not start), error, passed, failed, skipped, results (file,
name, spec, outcome "passed", "failed" or "skipped", diffs, settled_ms),
behaviours (behaviour, spec, passed, failed, skipped), settle (changes,
min_ms, median_ms, max_ms), cleanup (done, action, problem, remedy, left,
saved_configuration, saved_file) and exit_code; a dry run adds dry_run and
requests (method, url, headers).

Exit status: 0 when every vector passed; 1 when a vector failed, or the run
could not start or finish (the endpoint could not be reached, the bucket
could not be created, its configuration could not be read, Ctrl-C); 2 for a
usage error; 3 when the scratch bucket could not be deleted or the bucket's
configuration could not be restored.

Examples:
  s3cors probe --endpoint http://127.0.0.1:9000
  s3cors probe --endpoint https://s3.eu-west-1.amazonaws.com --region eu-west-1 --bucket my-test-bucket
  s3cors probe --endpoint https://storage.example.com --virtual-host --format markdown
  s3cors probe --endpoint https://s3.example.com --dry-run
`

const helpUsage = `Usage: s3cors help [COMMAND]

Prints help for s3cors or for one of its commands.

Example:
  s3cors help lint
`

func runHelp(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stdout, mainUsage)
		return exitOK
	}
	if isHelpFlag(args[0]) {
		fmt.Fprint(e.stdout, helpUsage)
		return exitOK
	}
	text, ok := commandHelp[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "help: unknown command %q: use one of lint, explain, convert, serve, probe, proxy, help, version\n", args[0])
		return exitUsage
	}
	fmt.Fprint(e.stdout, text)
	return exitOK
}

const proxyUsage = `Usage: s3cors proxy --upstream URL [--listen ADDR] [--data DIR]
                    [--credentials FILE] [--domain NAME]

Proxy puts Amazon S3's exact bucket CORS in front of an S3-compatible server
(MinIO, moto, s3rver, SeaweedFS, VersityGW ...), whatever CORS the server has
of its own. It prints the URL it listens on and logs every request to
standard error.

  - Preflights (OPTIONS) are answered by the proxy from the bucket's CORS
    configuration, as S3 answers them, without authentication.
  - PutBucketCors, GetBucketCors and DeleteBucketCors (PUT, GET and DELETE
    on /bucket?cors) are served and stored by the proxy, with S3's answers,
    and authenticated with SigV4 against the proxy's own access keys.
  - Everything else passes through unchanged (method, path, query, Host,
    header fields, streamed bodies), so the server authenticates it as
    before; only the CORS fields of the answers are replaced with S3's.

Which buckets exist is asked of the server (HEAD bucket, signed with the
first access key) and remembered for up to a minute (10 seconds for a
missing bucket); buckets created or deleted through the proxy are known at
once.

Flags:
  --upstream URL      the S3 server's base URL (required), such as
                      http://127.0.0.1:9000
  --listen ADDR       the address to listen on (default 127.0.0.1:9100;
                      127.0.0.1:0 picks a free port)
  --credentials FILE  the access keys of the ?cors API, one
                      ACCESS_KEY_ID:SECRET per line; without it,
                      AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Never
                      pass a secret in a flag: it shows in ps.
  --data DIR          where configurations are kept (not effective yet:
                      they are kept in memory and lost when the proxy stops)
  --domain NAME       also read virtual-hosted-style requests to
                      BUCKET.NAME, such as --domain s3.localhost

The region requests are signed for is AWS_REGION, or AWS_DEFAULT_REGION, or
us-east-1.

Exit codes: 0 stopped by Ctrl-C or SIGTERM; 2 usage error, or the address
cannot be listened on.

Example:
  AWS_ACCESS_KEY_ID=minioadmin AWS_SECRET_ACCESS_KEY=minioadmin \
    s3cors proxy --upstream http://127.0.0.1:9000 --listen 127.0.0.1:9100
`
