// Package proxybench measures the reverse proxy of "s3cors proxy" against a
// plain httputil.ReverseProxy in front of the same upstream, on loopback:
// requests per second and latency of small GETs, 1 MiB PUTs and preflights,
// and the memory an object of a gibibyte takes to stream through.
//
// Everything is in its tests and benchmarks; see BENCHMARKS.md at the root
// of the repository for the commands and the results.
package proxybench
