package probe

import (
	"sort"
	"strings"
	"time"

	"github.com/s3cors/s3cors/conformance"
)

// behaviourGroup is a set of rules of the behaviour document that probe's
// summary counts together.
type behaviourGroup struct {
	name string
	spec []string // rule IDs, or prefixes ending in "*" for every rule of a section
}

// behaviourGroups are the summary's groups, in order. A vector counts in
// every group one of its rules belongs to; a rule of no group counts in
// "Other rules".
var behaviourGroups = []behaviourGroup{
	{"Origin matching", []string{"M4", "D1"}},
	{"Rule order", []string{"M1"}},
	{"Methods", []string{"M2", "M3", "H3", "D8"}},
	{"Request headers", []string{"M5", "M6", "H4", "P7", "D7", "D10", "D11"}},
	{"Credentials and Allow-Origin", []string{"H1", "H2", "D3"}},
	{"Vary", []string{"H7", "D14"}},
	{"Max-Age and Expose-Headers", []string{"H5", "H6", "D4", "D16"}},
	{"Preflight answers and errors", []string{"P1", "P2", "P3", "P4", "P5", "P6", "D2", "D12", "D13", "D15", "E*"}},
	{"Actual requests", []string{"R*", "W*"}},
	{"Configuration API and validation", []string{"C*", "V*", "G*", "D5", "D6", "D17", "D18", "D19"}},
}

const otherGroup = "Other rules"

// groupsOf returns the names of the groups a rule ID belongs to.
func groupsOf(id string) []string {
	var names []string
	for _, g := range behaviourGroups {
		for _, s := range g.spec {
			if s == id || (strings.HasSuffix(s, "*") && strings.HasPrefix(id, strings.TrimSuffix(s, "*")) && len(id) > len(s)-1 && isDigits(id[len(s)-1:])) {
				names = append(names, g.name)
				break
			}
		}
	}
	if len(names) == 0 {
		names = []string{otherGroup}
	}
	return names
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// Behaviour is one row of the summary.
type Behaviour struct {
	Behaviour string   `json:"behaviour"`
	Spec      []string `json:"spec"`
	Passed    int      `json:"passed"`
	Failed    int      `json:"failed"`
	Skipped   int      `json:"skipped"`
	// NotJudged counts the vectors the run did not play to their end,
	// which say nothing of the behaviour.
	NotJudged int `json:"notJudged"`
}

// Summarize counts the results by behaviour group, in the groups' order;
// groups no vector played are left out.
func Summarize(results []conformance.Result) []Behaviour {
	rows := map[string]*Behaviour{}
	specs := map[string]map[string]bool{}
	for _, r := range results {
		seen := map[string]bool{}
		for _, id := range r.Spec {
			for _, g := range groupsOf(id) {
				if specs[g] == nil {
					specs[g] = map[string]bool{}
					rows[g] = &Behaviour{Behaviour: g}
				}
				specs[g][id] = true
				if seen[g] {
					continue
				}
				seen[g] = true
				switch r.Outcome {
				case conformance.Passed:
					rows[g].Passed++
				case conformance.Failed:
					rows[g].Failed++
				case conformance.NotJudged:
					rows[g].NotJudged++
				default:
					rows[g].Skipped++
				}
			}
		}
	}
	var out []Behaviour
	for _, name := range append(groupNames(), otherGroup) {
		row, ok := rows[name]
		if !ok {
			continue
		}
		for id := range specs[name] {
			row.Spec = append(row.Spec, id)
		}
		sort.Slice(row.Spec, func(i, j int) bool { return specLess(row.Spec[i], row.Spec[j]) })
		out = append(out, *row)
	}
	return out
}

func groupNames() []string {
	var names []string
	for _, g := range behaviourGroups {
		names = append(names, g.name)
	}
	return names
}

// specLess orders rule IDs by letter, then by number, so that a one-digit
// number comes before a two-digit one.
func specLess(a, b string) bool {
	la, na := splitSpec(a)
	lb, nb := splitSpec(b)
	if la != lb {
		return la < lb
	}
	if len(na) != len(nb) {
		return len(na) < len(nb)
	}
	return na < nb
}

func splitSpec(id string) (letters, digits string) {
	i := strings.IndexAny(id, "0123456789")
	if i < 0 {
		return id, ""
	}
	return id[:i], id[i:]
}

// SettleStats is how long the configuration changes took to take effect.
type SettleStats struct {
	Changes  int     `json:"changes"`
	MinMS    float64 `json:"minMs"`
	MedianMS float64 `json:"medianMs"`
	MaxMS    float64 `json:"maxMs"`
}

// Settle returns how long the configuration changes of the results took
// to take effect.
func Settle(results []conformance.Result) SettleStats {
	var ds []time.Duration
	for _, r := range results {
		if r.Settled > 0 {
			ds = append(ds, r.Settled)
		}
	}
	if len(ds) == 0 {
		return SettleStats{}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	med := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		med = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	return SettleStats{Changes: len(ds), MinMS: MS(ds[0]), MedianMS: MS(med), MaxMS: MS(ds[len(ds)-1])}
}

// MS is d in milliseconds.
func MS(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
