package e2e

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSkipIsRecorded: a test that skips for a missing tool writes its name
// and the tool to the file $BRIEFS_E2E_SKIPPED names.
func TestSkipIsRecorded(t *testing.T) {
	file := filepath.Join(t.TempDir(), "skipped")
	t.Setenv("BRIEFS_E2E", "")
	t.Setenv("BRIEFS_E2E_SKIPPED", file)
	skipOut = io.Discard // this skip is staged: no banner in the log
	defer func() { skipOut = os.Stderr }()
	t.Run("browser", func(t *testing.T) { need(t, "Chromium (Debian package chromium)", false) })
	t.Run("present", func(t *testing.T) { need(t, "Java", true) })
	data, err := os.ReadFile(file)
	if err != nil || string(data) != "TestSkipIsRecorded/browser\tChromium (Debian package chromium)\n" {
		t.Errorf("recorded %q (%v)", data, err)
	}
}

// TestMakeTestSaysWhatWasSkipped runs make test with a stand-in for go
// whose tests skip two browser tests: the last line of the output must say
// so and give the command that installs what they need, and make test's
// exit status must be the tests' own.
// makeSays is a line make prints itself ("make: ***", or "make[1]: ***"
// when make test runs under another make, as in CI).
var makeSays = regexp.MustCompile(`^make(\[[0-9]+\])?: `)

func TestMakeTestSaysWhatWasSkipped(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	dir := t.TempDir()
	for _, c := range []struct {
		exit string
		ok   bool
	}{{"0", true}, {"1", false}} {
		fake := filepath.Join(dir, "go"+c.exit)
		script := "#!/bin/sh\nif [ \"$1\" = test ]; then\n" +
			"  printf 'TestA\\tChromium (Debian package chromium)\\nTestB\\tJava (for the Nu Html Checker)\\nTestB/x\\tChromium (Debian package chromium)\\n' >> \"$BRIEFS_E2E_SKIPPED\"\n" +
			"  echo ok\n  exit " + c.exit + "\nfi\n"
		if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("make", "--no-print-directory", "-C", root(t), "test", "GO="+fake)
		out, err := cmd.CombinedOutput()
		if (err == nil) != c.ok {
			t.Errorf("make test with tests exiting %s: %v\n%s", c.exit, err, out)
		}
		lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
		if !c.ok && makeSays.MatchString(lines[len(lines)-1]) {
			lines = lines[:len(lines)-1] // make's own word on the failure
		}
		want := "!!! SKIPPED 3 browser, accessibility and HTML-validity tests (missing: Chromium, Java); install them with: sudo apt-get install chromium default-jre-headless && npm ci"
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, want) {
			t.Errorf("last line of make test:\n%s\nwant:\n%s", last, want)
		}
	}
}
