package etcdstore

// WithoutStream makes Load read pages, as it does from servers before
// etcd 3.7.
func WithoutStream() Option {
	return func(b *Backend) { b.noStream = true }
}
