package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// repoFile reads a file of the repository itself.
func repoFile(t *testing.T, name string) []byte {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	data, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// amazonSite writes the sample Amazon briefs and their company facts into
// a fresh folder, with edit applied to the FY2024 brief.
func amazonSite(t *testing.T, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	// The FY2024 brief reads FY2022 and FY2023 values from the others.
	for _, name := range []string{"content/amazon-fy2022.md", "content/amazon-fy2023.md", "content/amazon-fy2024.md", "data/sec/CIK0001018724.json", "data/sec/company_tickers.json"} {
		data := repoFile(t, name)
		if name == "content/amazon-fy2024.md" && edit != nil {
			data = []byte(edit(string(data)))
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// misquote types the seed article's $68.8 billion for 2024 operating income.
func misquote(s string) string {
	return strings.Replace(s, "{value: 68.6, label: Total operating income", "{value: 68.8, label: Total operating income", 1)
}

const misquoteError = "operating_income: 68.8 does not agree with the filing: Form 10-K filed 2025-02-07, accession 0001018724-25-000004, reports us-gaap:OperatingIncomeLoss for 2024-01-01 to 2024-12-31 as 68,593,000,000 USD (68.6 billion at the precision written)"

func TestBuildFailsOnMisquote(t *testing.T) {
	dir := amazonSite(t, misquote)
	_, stderr, code := run(t, "build", "--src", dir, "--no-og")
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "content/amazon-fy2024.md:21:33: "+misquoteError+"\n") {
		t.Errorf("stderr lacks the misquote at its value:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "public")); err == nil {
		t.Error("a failed build wrote public/")
	}
	// The brief as published agrees with the filing.
	dir = amazonSite(t, nil)
	if stdout, stderr, code := run(t, "build", "--src", dir, "--no-og"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestCheckGithubAnnotatesMismatch(t *testing.T) {
	dir := amazonSite(t, misquote)
	stdout, _, code := run(t, "check", "--src", dir, "--format", "github")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	want := "::error file=content/amazon-fy2024.md,line=21,col=33::" + misquoteError + "\n"
	if !strings.Contains(stdout, want) {
		t.Errorf("no annotation on the value's line:\n%s", stdout)
	}
}

func TestDiffShowsFilingChange(t *testing.T) {
	oldDir := amazonSite(t, nil)
	newDir := amazonSite(t, nil)
	// A restatement: a 10-K/A filed later repeats 2024 operating income.
	p := filepath.Join(newDir, "data", "sec", "CIK0001018724.json")
	data, _ := os.ReadFile(p)
	restated := strings.Replace(string(data), `"OperatingIncomeLoss":{"units":{"USD":[`,
		`"OperatingIncomeLoss":{"units":{"USD":[{"start":"2024-01-01","end":"2024-12-31","val":68610000000,"accn":"0001018724-25-000099","form":"10-K/A","filed":"2025-06-30"},`, 1)
	if restated == string(data) {
		t.Fatal("fixture not edited")
	}
	if err := os.WriteFile(p, []byte(restated), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := run(t, "diff", oldDir, newDir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "| `operating_income` | $68.6 billion (10-K filed 2025-02-07, 0001018724-25-000004) | $68.6 billion (10-K/A filed 2025-06-30, 0001018724-25-000099) |"
	if !strings.Contains(stdout, want) {
		t.Errorf("diff lacks the filing change:\n%s", stdout)
	}
	if strings.Contains(stdout, "`net_sales@FY2024`") {
		t.Errorf("diff lists a value whose filing did not change:\n%s", stdout)
	}
}

func TestFetchSEC(t *testing.T) {
	facts := repoFile(t, "data/sec/CIK0001018724.json")
	var agents []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		agents = append(agents, r.Header.Get("User-Agent"))
		switch r.URL.Path {
		case "/files/company_tickers.json":
			_, _ = w.Write(repoFile(t, "data/sec/company_tickers.json"))
		case "/api/xbrl/companyfacts/CIK0001018724.json":
			_, _ = w.Write(facts)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	t.Setenv("BRIEFS_SEC_BASE_URL", srv.URL)

	t.Setenv("BRIEFS_SEC_USER_AGENT", "")
	_, stderr, code := run(t, "fetch", "sec", "--src", dir, "AMZN")
	if code != 2 || !strings.Contains(stderr, "the SEC requires a User-Agent") || len(agents) != 0 {
		t.Fatalf("without a User-Agent: exit %d, %d requests\n%s", code, len(agents), stderr)
	}

	t.Setenv("BRIEFS_SEC_USER_AGENT", "Briefs Test test@example.com")
	stdout, stderr, code := run(t, "fetch", "sec", "--src", dir, "AMZN")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "/data/sec/CIK0001018724.json (AMZN): new: 3 concepts, 18 facts, latest Form 10-K filed 2025-02-07, accession 0001018724-25-000004") {
		t.Errorf("output:\n%s", stdout)
	}
	for _, ua := range agents {
		if ua != "Briefs Test test@example.com" {
			t.Errorf("User-Agent %q", ua)
		}
	}
	_, stderr, code = run(t, "fetch", "sec", "--src", dir, "--user-agent", "X x@example.com", "NOPE")
	if code != 1 || !strings.Contains(stderr, "briefs fetch sec: NOPE: not in the SEC's ticker map") {
		t.Errorf("unknown ticker: exit %d\n%s", code, stderr)
	}
	if _, _, code := run(t, "fetch", "edgar", "AMZN"); code != 2 {
		t.Errorf("unknown source: exit %d", code)
	}
}
