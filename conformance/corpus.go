package conformance

import (
	"embed"
	"io/fs"
)

// The repository's vectors live in testdata/vectors at its root, which a
// package cannot embed from its own directory; vectors/ holds a copy,
// which a test keeps equal to the original.
//
//go:generate sh -c "rm -f vectors/*.json && cp ../testdata/vectors/*.json vectors/"
//go:embed vectors/*.json
var corpus embed.FS

// Corpus returns the conformance vectors embedded in the package: S3's
// answers to requests and bucket CORS calls, in the s3cors-vectors/1
// format (the vector files at the root of the returned file system).
func Corpus() fs.FS {
	sub, err := fs.Sub(corpus, "vectors")
	if err != nil { // not reached: the directory is embedded
		panic("conformance: " + err.Error())
	}
	return sub
}
