package site

import (
	"encoding/json"
	"testing"
)

// TestFiguresJSONCitesFiling: a figure checked against a filing carries its
// concept and, for each value, the filing's accession and date.
func TestFiguresJSONCitesFiling(t *testing.T) {
	out := build(t, sampleFS(t), Options{NoOG: true})
	var doc struct {
		Sources []struct{ ID, URL, Date string }
		Figures []struct {
			Name  string
			Value string
			XBRL  *struct {
				Concept string
				Filings map[string]struct{ Accession, Filed, Form, Value string }
			}
		}
	}
	got := map[string]string{}
	for _, name := range []string{"amazon-fy2022/figures.json", "amazon-fy2024/figures.json"} {
		if err := json.Unmarshal([]byte(file(t, out, name)), &doc); err != nil {
			t.Fatal(err)
		}
		for _, f := range doc.Figures {
			if f.XBRL == nil {
				continue
			}
			for period, fl := range f.XBRL.Filings {
				got[f.Name+"@"+period] = f.XBRL.Concept + " " + fl.Form + " " + fl.Accession + " " + fl.Filed + " " + fl.Value
			}
			if f.Name == "net_income" && f.Value != "59248000000" {
				t.Errorf("imported net income %s", f.Value)
			}
		}
	}
	for key, want := range map[string]string{
		"operating_income@FY2024": "us-gaap:OperatingIncomeLoss 10-K 0001018724-25-000004 2025-02-07 68593000000",
		"net_sales@FY2022":        "us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax 10-K 0001018724-25-000004 2025-02-07 513983000000",
		"net_income@FY2024":       "us-gaap:NetIncomeLoss 10-K 0001018724-25-000004 2025-02-07 59248000000",
	} {
		if got[key] != want {
			t.Errorf("%s: %q, want %q", key, got[key], want)
		}
	}
	found := false
	for _, s := range doc.Sources {
		found = found || s.ID == "sec-0001018724-25-000004" && s.Date == "2025-02-07" &&
			s.URL == "https://www.sec.gov/Archives/edgar/data/1018724/000101872425000004/0001018724-25-000004-index.htm"
	}
	if !found {
		t.Errorf("sources lack the 10-K: %+v", doc.Sources)
	}
}
