// Package etcdstore keeps the bucket CORS configurations of a
// [bucket.Store] in etcd v3, so that every node of a fleet of S3 gateways
// serves the same ones and a configuration survives the loss of any node.
//
// Each bucket's configuration is one key, the prefix ([DefaultPrefix] or
// [WithPrefix]) followed by the bucket's name, whose value is the document
// in S3's XML form. Every node holds the whole set in memory, loaded at
// start, and follows etcd's watch of the prefix from the revision of that
// load; each configuration carries the etcd revision of its last write, so
// that an older write never replaces a newer one on any node.
//
// # Use
//
//	client, err := clientv3.New(etcdstore.ClientConfig([]string{"10.0.0.1:2379", "10.0.0.2:2379", "10.0.0.3:2379"}))
//	if err != nil { ... }
//	defer client.Close()
//	store := bucket.NewStore(exists, bucket.WithBackend(etcdstore.New(client)))
//	go store.Sync(ctx) // load, then follow every node's changes
//
// and serve with the Store as package bucket describes; the Backend needs
// nothing else. Give the client every member's endpoint: it moves to another
// member when one fails.
//
// # Guarantees
//
// Writes are linearizable: PutBucketCors and DeleteBucketCors answer only
// after etcd has committed the change, on disk on a majority of the
// members; the node that made the change answers with it from then on, and
// every other node once the change reaches it (below). A
// cluster of 2f+1 members keeps every acknowledged change through the loss
// of any f of them; while a majority is lost, writes fail and every node
// keeps serving the configurations it holds.
//
// Reads are served from each node's memory, so a node can be behind the
// cluster. A connected node is behind by the time etcd takes to deliver a
// change to its watch, a few milliseconds (BENCHMARKS.md gives the measured
// propagation). A node that loses its member notices within the client's
// keep-alive time and timeout (15 s with [ClientConfig]), or, when the
// member loses the rest of its cluster, within etcd's election timeout, and
// moves to another member, resuming its watch where it stopped. A node that
// can reach no member serves what it last saw, for as long as that lasts,
// and catches up as soon as it reconnects: from where it stopped if etcd
// still keeps those revisions, or by loading the whole set again if etcd
// has compacted them. Within one node, changes are applied in revision
// order, so it always serves a state the cluster has had.
package etcdstore
