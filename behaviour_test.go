package s3cors_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// behaviourDoc is the document that defines the rule IDs that code, tests and
// conformance vectors cite.
const behaviourDoc = "docs/behaviour.md"

// idPrefixes are the letters that begin a rule ID, one for each section of
// behaviourDoc that defines rules.
const idPrefixes = "CDEGHMPRUVWX"

var (
	// definitionRE matches the heading that defines a rule ID, such as
	// "### P5. No rule matches".
	definitionRE = regexp.MustCompile(`^### ([A-Z][0-9]{1,2})\. \S`)

	// idHeadingRE matches every heading that starts with something shaped
	// like an ID, so that a heading meant as a definition but written
	// differently ("## P5. …", "### P5 …") is reported, not ignored.
	idHeadingRE = regexp.MustCompile(`^#+[ \t]*[A-Z][0-9]{1,2}\b`)

	// citationRE matches a cited ID, such as "P5" in "(P5)", "// P5",
	// "P5+H4/name" or `"P5"`, or a range of IDs, such as "P1–P5" or "P1-P5".
	// The word boundaries keep it from matching inside longer tokens: the
	// lint finding S3C101, E2E, X509, AWS4, CRC32, 0xD8 or a Go identifier
	// such as fieldV1.
	citationRE = regexp.MustCompile(`\b([` + idPrefixes + `])([0-9]{1,2})(?:[–-]([` + idPrefixes + `])([0-9]{1,2}))?\b`)

	// specEntryRE is the form of an entry of a vector's "spec" array.
	specEntryRE = regexp.MustCompile(`^[A-Z][0-9]{1,2}$`)
)

// A citation is a rule ID cited on a line of a text.
type citation struct {
	line int
	id   string
}

// definitions returns the rule IDs that doc defines, each with the lines
// of its definitions, and describes the headings that look like a definition
// but do not follow its syntax.
func definitions(doc string) (defined map[string][]int, problems []string) {
	defined = make(map[string][]int)
	for i, line := range strings.Split(doc, "\n") {
		if m := definitionRE.FindStringSubmatch(line); m != nil {
			defined[m[1]] = append(defined[m[1]], i+1)
		} else if idHeadingRE.MatchString(line) {
			problems = append(problems, fmt.Sprintf("line %d: heading %q is not a definition; write %q", i+1, line, "### ID. Title"))
		}
	}
	return defined, problems
}

// citations returns the rule IDs cited in text, in order, with a range such
// as "P1–P5" expanded into every ID it covers. It describes ranges that
// cover no ID, such as "P5–P2".
func citations(text string) (cites []citation, problems []string) {
	for i, line := range strings.Split(text, "\n") {
		for _, m := range citationRE.FindAllStringSubmatchIndex(line, -1) {
			if m[0] > 0 && line[m[0]-1] == '%' {
				continue // percent-encoding, such as %E4
			}
			letter, first := line[m[2]:m[3]], atoi(line[m[4]:m[5]])
			if m[6] < 0 {
				cites = append(cites, citation{i + 1, letter + strconv.Itoa(first)})
				continue
			}
			letter2, last := line[m[6]:m[7]], atoi(line[m[8]:m[9]])
			switch {
			case letter2 != letter:
				// Two IDs joined by a dash, not a range.
				cites = append(cites, citation{i + 1, letter + strconv.Itoa(first)}, citation{i + 1, letter2 + strconv.Itoa(last)})
			case last <= first:
				problems = append(problems, fmt.Sprintf("line %d: range %s covers no rule", i+1, line[m[0]:m[1]]))
			default:
				for n := first; n <= last; n++ {
					cites = append(cites, citation{i + 1, letter + strconv.Itoa(n)})
				}
			}
		}
	}
	return cites, problems
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err) // the regular expression admits digits only
	}
	return n
}

// unresolved returns the citations of text, read from file, that name no ID
// in defined, and its malformed ranges, as "file:line: problem" messages. It
// also returns how many IDs text cites.
func unresolved(defined map[string][]int, file, text string) (problems []string, n int) {
	cites, bad := citations(text)
	for _, c := range cites {
		if _, ok := defined[c.id]; !ok {
			problems = append(problems, fmt.Sprintf("%s:%d: %s is not defined in %s", file, c.line, c.id, behaviourDoc))
		}
	}
	for _, b := range bad {
		problems = append(problems, file+": "+b)
	}
	return problems, len(cites)
}

// specProblems describes the entries of the "spec" arrays in the JSON
// document data that are not written as a single rule ID. Whether the IDs
// exist is checked with the other citations.
func specProblems(file string, data []byte) []string {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return nil // not a vector file; its text is still scanned
	}
	var problems []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			if spec, ok := v["spec"]; ok {
				name, _ := v["name"].(string)
				if name == "" {
					name, _ = v["file"].(string)
				}
				entries, ok := spec.([]any)
				if !ok {
					problems = append(problems, fmt.Sprintf("%s: %q: \"spec\" is not an array", file, name))
				}
				for _, e := range entries {
					if s, ok := e.(string); !ok || !specEntryRE.MatchString(s) {
						problems = append(problems, fmt.Sprintf("%s: %q: \"spec\" entry %v is not a rule ID such as \"P5\"", file, name, e))
					}
				}
			}
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return problems
}

// readDefinitions reads behaviourDoc and returns the IDs it defines.
func readDefinitions(t *testing.T) map[string][]int {
	t.Helper()
	doc, err := os.ReadFile(behaviourDoc)
	if err != nil {
		t.Fatal(err)
	}
	defined, problems := definitions(string(doc))
	for _, p := range problems {
		t.Errorf("%s: %s", behaviourDoc, p)
	}
	return defined
}

// projectFiles returns the Go, JSON and Markdown files of the repository:
// those git tracks or would track, or, outside a git work tree, those found
// by walking the directory tree.
func projectFiles(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.go", "*.json", "*.md").Output()
	if err == nil {
		var files []string
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				files = append(files, filepath.FromSlash(f))
			}
		}
		slices.Sort(files)
		return slices.Compact(files)
	}
	t.Logf("git ls-files: %v; walking the directory tree instead", err)
	var files []string
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".json", ".md":
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestBehaviourDefinitions checks that behaviourDoc defines each rule ID once,
// so that an ID has one meaning, and only with the known prefixes.
func TestBehaviourDefinitions(t *testing.T) {
	defined := readDefinitions(t)
	prefixes := make(map[byte]int)
	for id, lines := range defined {
		prefixes[id[0]]++
		if len(lines) > 1 {
			t.Errorf("%s: %s is defined %d times, on lines %v", behaviourDoc, id, len(lines), lines)
		}
		if !strings.Contains(idPrefixes, id[:1]) {
			t.Errorf("%s:%d: %s does not start with one of the letters %s", behaviourDoc, lines[0], id, idPrefixes)
		}
	}
	for _, p := range []byte(idPrefixes) {
		if prefixes[p] == 0 {
			t.Errorf("%s defines no ID starting with %c", behaviourDoc, p)
		}
	}
	// Guards against a change of syntax that would make the parser find
	// nothing, and every citation look unresolved or go unchecked.
	if len(defined) < 100 {
		t.Errorf("%s defines %d IDs; want at least 100", behaviourDoc, len(defined))
	}
}

// TestBehaviourCitations checks that every rule ID cited in the repository's
// Go, JSON and Markdown files is defined in behaviourDoc.
func TestBehaviourCitations(t *testing.T) {
	defined := readDefinitions(t)
	self, err := filepath.Abs("behaviour_test.go")
	if err != nil {
		t.Fatal(err)
	}
	total, citing := 0, 0
	for _, file := range projectFiles(t) {
		if abs, err := filepath.Abs(file); err == nil && abs == self {
			continue // this file's tests cite unknown IDs on purpose
		}
		data, err := os.ReadFile(file)
		if os.IsNotExist(err) {
			continue // tracked but deleted in the work tree
		}
		if err != nil {
			t.Fatal(err)
		}
		problems, n := unresolved(defined, filepath.ToSlash(file), string(data))
		for _, p := range problems {
			t.Error(p)
		}
		if filepath.Ext(file) == ".json" {
			for _, p := range specProblems(filepath.ToSlash(file), data) {
				t.Error(p)
			}
		}
		total += n
		if n > 0 {
			citing++
		}
	}
	t.Logf("%d citations in %d files", total, citing)
	// The repository cites well over a thousand IDs in dozens of files;
	// far fewer means that the scan missed them.
	if total < 500 || citing < 20 {
		t.Errorf("found %d citations in %d files; want at least 500 in 20 files", total, citing)
	}
}

func TestCitations(t *testing.T) {
	text := strings.Join([]string{
		`// preflight answers an OPTIONS request (P1–P3, D2).`, // 1
		`	if star { // H2`,                                   // 2
		`{"D8/method-element", cors.Request{}},`,             // 3
		`"spec": ["P5", "M3"],`,                              // 4
		`V4-V6, G3/no-config and P6+H1/star`,                 // 5
		`S3C101 E2E X509 AWS4 CRC32 SHA256 0xD8 %E4 fieldV1`, // 6
		`HTTP/2 h2 p5 V100 P5x _M1 M1_`,                      // 7
		`P5–P2 and C4-D1`,                                    // 8
	}, "\n")
	got, problems := citations(text)
	want := []citation{
		{1, "P1"}, {1, "P2"}, {1, "P3"}, {1, "D2"},
		{2, "H2"},
		{3, "D8"},
		{4, "P5"}, {4, "M3"},
		{5, "V4"}, {5, "V5"}, {5, "V6"}, {5, "G3"}, {5, "P6"}, {5, "H1"},
		{8, "C4"}, {8, "D1"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("citations =\n%v\nwant\n%v", got, want)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "line 8: range P5–P2") {
		t.Errorf("problems = %q, want one for the range P5–P2 on line 8", problems)
	}
}

func TestDefinitions(t *testing.T) {
	doc := strings.Join([]string{
		"## 5. Preflight requests", // 1
		"### P1. No Origin",        // 2
		"P1 is cited, not defined", // 3
		"### P2. Missing bucket",   // 4
		"### P2. Defined again",    // 5
		"## P3. Wrong level",       // 6
		"### P4 No period",         // 7
		"### Notes",                // 8
	}, "\n")
	defined, problems := definitions(doc)
	want := map[string][]int{"P1": {2}, "P2": {4, 5}}
	if fmt.Sprint(defined) != fmt.Sprint(want) {
		t.Errorf("definitions = %v, want %v", defined, want)
	}
	if len(problems) != 2 || !strings.HasPrefix(problems[0], "line 6:") || !strings.HasPrefix(problems[1], "line 7:") {
		t.Errorf("problems = %q, want lines 6 and 7", problems)
	}
}

func TestUnresolved(t *testing.T) {
	defined, _ := definitions("### P1. No Origin\n### P2. Missing bucket\n")
	text := "// P1\n// ok (P2)\n// V15 is unknown, as is the end of P1–P3\n"
	problems, n := unresolved(defined, "f.go", text)
	want := []string{
		"f.go:3: V15 is not defined in " + behaviourDoc,
		"f.go:3: P3 is not defined in " + behaviourDoc,
	}
	if !slices.Equal(problems, want) || n != 6 {
		t.Errorf("unresolved = %q, %d citations; want %q, 6", problems, n, want)
	}
}

func TestSpecProblems(t *testing.T) {
	data := []byte(`{"vectors": [
		{"name": "good", "spec": ["P5", "D10"]},
		{"name": "bad", "spec": ["P1–P5", "p5", 5]},
		{"name": "not-array", "spec": "P5"}
	]}`)
	problems := specProblems("v.json", data)
	if len(problems) != 4 {
		t.Fatalf("specProblems = %q, want 4", problems)
	}
	for _, p := range problems {
		if !strings.HasPrefix(p, `v.json: "bad"`) && !strings.HasPrefix(p, `v.json: "not-array"`) {
			t.Errorf("unexpected problem %q", p)
		}
	}
	if got := specProblems("x.json", []byte("not JSON")); got != nil {
		t.Errorf("specProblems(invalid JSON) = %q, want nil", got)
	}
}
