package sec

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefs/briefs/internal/brief"
)

// restatedFacts: FY2023 operating income as first filed, restated by a
// 10-K/A, and repeated by the FY2024 10-K; FY2024 as filed.
const restatedFacts = `{"cik":1018724,"entityName":"AMAZON.COM, INC.","facts":{"us-gaap":{
"OperatingIncomeLoss":{"label":"Operating Income (Loss)","units":{"USD":[
 {"start":"2023-01-01","end":"2023-12-31","val":36852000000,"accn":"0001018724-24-000008","form":"10-K","filed":"2024-02-02"},
 {"start":"2023-01-01","end":"2023-12-31","val":36152000000,"accn":"0001018724-24-000050","form":"10-K/A","filed":"2024-05-01"},
 {"start":"2023-01-01","end":"2023-12-31","val":36152000000,"accn":"0001018724-25-000004","form":"10-K","filed":"2025-02-07"},
 {"start":"2024-01-01","end":"2024-12-31","val":68593000000,"accn":"0001018724-25-000004","form":"10-K","filed":"2025-02-07"},
 {"start":"2024-10-01","end":"2024-12-31","val":21203000000,"accn":"0001018724-25-000004","form":"10-K","filed":"2025-02-07"}]}},
"NetIncomeLoss":{"label":"Net Income (Loss)","units":{"USD":[
 {"start":"2024-01-01","end":"2024-12-31","val":59248000000,"accn":"0001018724-25-000004","form":"10-K","filed":"2025-02-07"}]}},
"CashAndCashEquivalentsAtCarryingValue":{"label":"Cash","units":{"USD":[
 {"end":"2024-12-31","val":78779000000,"accn":"0001018724-25-000004","form":"10-K","filed":"2025-02-07"}]}},
"EarningsPerShareDiluted":{"label":"EPS","units":{"USD/shares":[
 {"start":"2024-01-01","end":"2024-12-31","val":5.53,"accn":"0001018724-25-000004","form":"10-K","filed":"2025-02-07"}]}}
}}}`

const tickers = `{"0":{"cik_str":1018724,"ticker":"AMZN","title":"AMAZON COM INC"}}`

func checkBrief(t *testing.T, fsys fstest.MapFS, head, figs string) (*brief.Brief, string) {
	t.Helper()
	src := "---\ntitle: T\ndate: 2025-02-10\ncompany: Amazon.com, Inc.\n" + head + "figures:\n" + figs + "---\nBody.\n"
	b, errs := brief.ParseChecked("content/t.md", []byte(src), NewCache(fsys))
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	return b, strings.Join(msgs, "\n")
}

func amznFS() fstest.MapFS {
	return fstest.MapFS{
		"data/sec/CIK0001018724.json":   {Data: []byte(restatedFacts)},
		"data/sec/company_tickers.json": {Data: []byte(tickers)},
	}
}

func TestCheck(t *testing.T) {
	const fy = "ticker: AMZN\nperiod: FY2024\nperiod_end: 2024-12-31\n"
	tests := []struct {
		name, head, figs, want string
	}{
		{"agrees at the typed precision", fy,
			"  oi: {value: 68.6, xbrl: us-gaap:OperatingIncomeLoss}\n  oi_m: {value: 68593, scale: million, xbrl: us-gaap:OperatingIncomeLoss}\n", ""},
		{"the seed article's misquote", fy,
			"  operating_income: {value: 68.8, xbrl: us-gaap:OperatingIncomeLoss}\n",
			"content/t.md:9:29: operating_income: 68.8 does not agree with the filing: Form 10-K filed 2025-02-07, accession 0001018724-25-000004, reports us-gaap:OperatingIncomeLoss for 2024-01-01 to 2024-12-31 as 68,593,000,000 USD (68.6 billion at the precision written)"},
		{"a restated value: the superseded one is an error", "cik: 1018724\nperiod: FY2023\nperiod_end: 2023-12-31\n",
			"  oi: {value: 36.9, xbrl: us-gaap:OperatingIncomeLoss}\n",
			"content/t.md:9:15: oi: 36.9 agrees only with a superseded filing, Form 10-K filed 2024-02-02, accession 0001018724-24-000008: the latest, Form 10-K filed 2025-02-07, accession 0001018724-25-000004, reports us-gaap:OperatingIncomeLoss for 2023-01-01 to 2023-12-31 as 36,152,000,000 USD (36.2 billion at the precision written)"},
		{"the restated value agrees", "cik: 1018724\nperiod: FY2023\nperiod_end: 2023-12-31\n",
			"  oi: {value: 36.2, xbrl: us-gaap:OperatingIncomeLoss}\n", ""},
		{"a series: comparatives at inferred period ends", fy,
			"  oi: {values: {FY2023: 36.2, FY2024: 68.6}, xbrl: us-gaap:OperatingIncomeLoss}\n", ""},
		{"a series value that disagrees", fy,
			"  oi: {values: {FY2023: 36.9, FY2024: 68.6}, xbrl: us-gaap:OperatingIncomeLoss}\n",
			"content/t.md:9:25: oi@FY2023: 36.9 agrees only with a superseded filing, Form 10-K filed 2024-02-02, accession 0001018724-24-000008: the latest, Form 10-K filed 2025-02-07, accession 0001018724-25-000004, reports us-gaap:OperatingIncomeLoss for 2023-01-01 to 2023-12-31 as 36,152,000,000 USD (36.2 billion at the precision written)"},
		{"a quarter", "cik: 1018724\nperiod: FY2024Q4\nperiod_end: 2024-12-31\n",
			"  oi: {value: 21.2, xbrl: us-gaap:OperatingIncomeLoss}\n", ""},
		{"a period the file lacks", "cik: 1018724\nperiod: FY2024H2\nperiod_end: 2024-12-31\n",
			"  oi: {value: 40.0, xbrl: us-gaap:OperatingIncomeLoss}\n",
			"content/t.md:9:15: oi: us-gaap:OperatingIncomeLoss has no USD value for the half year ending 2024-12-31 in data/sec/CIK0001018724.json (it has 2024-01-01 to 2024-12-31, 2024-10-01 to 2024-12-31, 2023-01-01 to 2023-12-31)"},
		{"a concept the file lacks", fy,
			"  oi: {value: 68.6, xbrl: us-gaap:OperatingIncomeLos}\n",
			"content/t.md:9:27: us-gaap:OperatingIncomeLos is not in data/sec/CIK0001018724.json (did you mean us-gaap:OperatingIncomeLoss?)"},
		{"an instant", fy,
			"  cash: {value: 78.8, xbrl: us-gaap:CashAndCashEquivalentsAtCarryingValue}\n", ""},
		{"per share", fy,
			"  eps: {value: 5.53, scale: one, xbrl: us-gaap:EarningsPerShareDiluted}\n", ""},
		{"wrong unit", fy,
			"  eps: {value: 5.53, unit: count, xbrl: us-gaap:EarningsPerShareDiluted}\n",
			"content/t.md:9:41: us-gaap:EarningsPerShareDiluted is filed in USD/shares, not in shares"},
		{"no period_end", "cik: 1018724\nperiod: FY2024\n",
			"  oi: {value: 68.6, xbrl: us-gaap:OperatingIncomeLoss}\n",
			"content/t.md:8:27: a figure names an XBRL concept, so the brief needs period_end: YYYY-MM-DD, the last day of its period"},
		{"no company", "period: FY2024\nperiod_end: 2024-12-31\n",
			"  oi: {value: 68.6, xbrl: us-gaap:OperatingIncomeLoss}\n",
			"content/t.md:8:27: a figure names an XBRL concept, so the brief needs cik: (the company's SEC number) or ticker:"},
		{"unknown ticker", "ticker: MSFT\nperiod: FY2024\nperiod_end: 2024-12-31\n",
			"  oi: {value: 68.6, xbrl: us-gaap:OperatingIncomeLoss}\n",
			"content/t.md:9:27: ticker MSFT is not in data/sec/company_tickers.json: add cik: (the company's SEC number) or run briefs fetch sec MSFT"},
		{"no facts file", "cik: 320193\nperiod: FY2024\nperiod_end: 2024-09-28\n",
			"  revenue: {value: 391.0, xbrl: us-gaap:Revenues}\n",
			"content/t.md:9:33: cannot check revenue: data/sec/CIK0000320193.json: no company facts for CIK 320193: run briefs fetch sec with the company's ticker"},
		{"bad concept name", fy,
			"  oi: {value: 68.6, xbrl: OperatingIncomeLoss}\n",
			"content/t.md:9:27: xbrl must name a concept with its taxonomy, such as us-gaap:OperatingIncomeLoss, not \"OperatingIncomeLoss\""},
		{"bad period_end", "cik: 1018724\nperiod: FY2024\nperiod_end: 2024-02-30\n",
			"  oi: {value: 68.6, xbrl: us-gaap:OperatingIncomeLoss}\n",
			"content/t.md:7:13: period_end \"2024-02-30\" must be a real date written YYYY-MM-DD"},
		{"bad cik", "cik: AMZN\nperiod: FY2024\nperiod_end: 2024-12-31\n",
			"  oi: {value: 68.6, xbrl: us-gaap:OperatingIncomeLoss}\n",
			"content/t.md:5:6: cik must be the company's SEC number, up to 10 digits such as 1018724, not \"AMZN\""},
		{"decimals with a typed value", fy,
			"  oi: {value: 68.6, decimals: 2, xbrl: us-gaap:OperatingIncomeLoss}\n",
			"content/t.md:9:31: decimals is for an imported value; a typed value keeps the decimals it is written with"},
		{"decimals without xbrl", fy,
			"  oi: {value: 68.6, decimals: 2}\n",
			"content/t.md:9:31: decimals applies to a value imported from a filing: add xbrl: us-gaap:Concept"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, got := checkBrief(t, amznFS(), tc.head, tc.figs)
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestCheckMalformedFile(t *testing.T) {
	fsys := amznFS()
	fsys["data/sec/CIK0001018724.json"] = &fstest.MapFile{Data: []byte(restatedFacts[:200] + "}")}
	_, got := checkBrief(t, fsys, "cik: 1018724\nperiod: FY2024\nperiod_end: 2024-12-31\n",
		"  oi: {value: 68.6, xbrl: us-gaap:OperatingIncomeLoss}\n  ni: {xbrl: us-gaap:NetIncomeLoss}\n")
	want := "content/t.md:9:27: cannot check oi: data/sec/CIK0001018724.json:3:60: unexpected end of JSON input\n" +
		"content/t.md:10:14: cannot check ni: data/sec/CIK0001018724.json:3:60: unexpected end of JSON input"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestImport(t *testing.T) {
	b, errs := checkBrief(t, amznFS(), "cik: 1018724\nperiod: FY2024\nperiod_end: 2024-12-31\nsources:\n  release: {title: Release}\n",
		"  net_income: {xbrl: us-gaap:NetIncomeLoss, label: Net income}\n"+
			"  net_income_2: {xbrl: us-gaap:NetIncomeLoss, decimals: 3}\n"+
			"  oi: {value: 68.6, xbrl: us-gaap:OperatingIncomeLoss, source: release}\n"+
			"derived:\n  margin: net_income / oi\n")
	if errs != "" {
		t.Fatal(errs)
	}
	e, ok := b.Figures.Figure("net_income")
	if !ok || e.Value.D.String() != "59248000000" || e.Computation != "59.2" {
		t.Errorf("imported %+v", e)
	}
	if got := e.Text(); got != "$59.2 billion" {
		t.Errorf("shown as %s", got)
	}
	e2, _ := b.Figures.Figure("net_income_2")
	if got := e2.Text(); got != "$59.248 billion" {
		t.Errorf("decimals 3 shown as %s", got)
	}
	// Derived values compute on the exact filed value and cite the filing.
	m, _ := b.Figures.Figure("margin")
	if !strings.HasPrefix(m.Value.D.String(), "0.863673469387755102040816326530612") { // 59,248,000,000 / 68,600,000,000
		t.Errorf("margin %s", m.Value.D)
	}

	var titles []string
	for _, s := range m.Sources {
		titles = append(titles, s.Title)
	}
	want := "Amazon.com, Inc. Form 10-K filed 2025-02-07 (SEC accession 0001018724-25-000004); Release"
	if strings.Join(titles, "; ") != want {
		t.Errorf("margin sources %q", strings.Join(titles, "; "))
	}
	// The imported value shows rounded (59.2), but 59.2 ÷ 68.6 is 86.3%:
	// the explanation shows it as precisely as the shown 86.4% needs.
	if got := m.Explanation(); got != "= 59.25 ÷ 68.6 · "+want {
		t.Errorf("margin explained as %q", got)
	}
	// The brief's sources list the filing once, with its EDGAR index.
	n := 0
	for _, s := range b.Sources {
		if s.ID == "sec-0001018724-25-000004" {
			n++
			if s.URL != "https://www.sec.gov/Archives/edgar/data/1018724/000101872425000004/0001018724-25-000004-index.htm" || s.Date != "2025-02-07" {
				t.Errorf("filing source %+v", s)
			}
		}
	}
	if n != 1 {
		t.Errorf("filing listed %d times", n)
	}
	f := b.XBRL[0].Filings["FY2024"]
	if f == nil || f.Accession != "0001018724-25-000004" || f.Filed != "2025-02-07" || f.Concept != "us-gaap:NetIncomeLoss" || f.Value != "59248000000" {
		t.Errorf("filing %+v", f)
	}
}

func TestImportWithoutFilingFailsQuietly(t *testing.T) {
	src := "---\ntitle: T\ndate: 2025-02-10\nfigures:\n  ni: {xbrl: us-gaap:NetIncomeLoss}\nderived:\n  twice: ni * 2\n---\n"
	b, errs := brief.Parse("content/t.md", []byte(src))
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if e, _ := b.Figures.Named("twice"); e.HasValue {
		t.Error("a value derived from nothing")
	}
}
