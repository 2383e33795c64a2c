// Package sigv4test cross-checks the package internal/sigv4 with the AWS
// SDK for Go v2: the verifier must accept the requests the SDK's signer
// signs and presigns, and the signer must sign as the SDK's does. It holds
// tests only; the core module does not depend on the SDK.
package sigv4test
