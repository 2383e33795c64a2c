package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestColour(t *testing.T) {
	rep := lintDocument("c.json", []byte(`{"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["https://*example.com"]}]}`))
	var plain, coloured bytes.Buffer
	writeLintText(&env{stdout: &plain}, rep)
	writeLintText(&env{stdout: &coloured, colour: true}, rep)
	if strings.Contains(plain.String(), "\x1b[") {
		t.Errorf("colour codes without colour:\n%q", plain.String())
	}
	if !strings.Contains(coloured.String(), styleRed+"error  "+styleReset) {
		t.Errorf("no red severity with colour:\n%q", coloured.String())
	}
	// Without the codes, the coloured text is the plain text.
	stripped := coloured.String()
	for _, s := range []string{styleReset, styleBold, styleDim, styleRed, styleGreen, styleYellow, styleCyan} {
		stripped = strings.ReplaceAll(stripped, s, "")
	}
	if stripped != plain.String() {
		t.Errorf("coloured output differs beyond the colour codes:\n%s\n%s", stripped, plain.String())
	}

	// A pipe is not a terminal; NO_COLOR turns colour off anyway.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if colourEnabled(w) {
		t.Error("colour enabled for a pipe")
	}
	t.Setenv("NO_COLOR", "1")
	if f, err := os.Open("/dev/tty"); err == nil {
		defer f.Close()
		if colourEnabled(f) {
			t.Error("colour enabled although NO_COLOR is set")
		}
	}
}
