package emulator

import (
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// memBackend is gofakes3's in-memory backend, with S3's meaning of the
// version ID "null" in DeleteObjects: the version of an object stored while
// versioning was off. gofakes3 itself understands "null" only in a query
// (DeleteObject, GetObject), so that a DeleteObjects naming the versions
// ListObjectVersions gave, as clean-up code does, left unversioned objects
// behind, and the bucket could not be deleted.
type memBackend struct{ *s3mem.Backend }

// DeleteMultiVersions deletes objects; a "null" version ID is the object
// stored without versioning.
func (b memBackend) DeleteMultiVersions(bucket string, objects ...gofakes3.ObjectID) (gofakes3.MultiDeleteResult, error) {
	ids := make([]gofakes3.ObjectID, len(objects))
	for i, o := range objects {
		if o.VersionID == "null" {
			o.VersionID = ""
		}
		ids[i] = o
	}
	return b.Backend.DeleteMultiVersions(bucket, ids...)
}
