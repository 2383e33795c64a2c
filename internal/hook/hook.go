// Package hook lets the module's own tools watch what the cors middleware
// decides, without a public API for it.
//
// A [cors.Resolver] that also has the method
//
//	ObserveCORS(hook.Key, *http.Request, cors.Result)
//
// is shown, once per request, the request and the Result the middleware
// answers it with (the zero Result for a request it leaves alone). Key lives
// in an internal package, so only this module can name it: no type outside
// the module can implement the method, by design or by accident. The
// command-line tool's serve command logs through it instead of evaluating
// each request a second time.
package hook

// Key is the first parameter of the observation method.
type Key struct{}
