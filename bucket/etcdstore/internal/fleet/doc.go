// Package fleet holds the fleet test: three etcd members and three gateways,
// each in a process of its own on loopback, and the failures a fleet meets.
package fleet
