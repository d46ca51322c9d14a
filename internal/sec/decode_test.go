package sec

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

const quickConcept = `{"label":"Operating Income (Loss)","description":"The net result \"of\" \u2014 operations.\n","units":{"USD":[
 {"start":"2023-01-01","end":"2023-12-31","val":36852000000,"accn":"0001018724-24-000008","fy":2023,"fp":"FY","form":"10-K","filed":"2024-02-02"},
 {"end":"2024-12-31","val":-5.53e2,"accn":"a","fy":2024,"fp":"FY","form":"10-K","filed":"2025-02-07","frame":"CY2024Q4I"}],
 "shares":[]}}`

func TestQuickDecode(t *testing.T) {
	got, ok := quickDecode([]byte(quickConcept))
	if !ok {
		t.Fatal("gave up on a concept as the SEC writes it")
	}
	var want conceptJSON
	if err := json.Unmarshal([]byte(quickConcept), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	for _, s := range []string{
		strings.Replace(quickConcept, `"fy":2023`, `"fy":"2023"`, 1),        // a number as text
		strings.Replace(quickConcept, `"fp":"FY"`, `"fp":"F\u0059"`, 1),     // an escape in a field read
		strings.Replace(quickConcept, `"frame"`, `"Frame"`, 1),              // encoding/json ignores case
		strings.Replace(quickConcept, `"shares":[]`, `"shares":null`, 1),    // null
		strings.Replace(quickConcept, `"val":36852000000`, `"val":0368`, 1), // not a number
		strings.Replace(quickConcept, `\u2014`, `\u20x4`, 1),                // a bad escape in a skipped string
		quickConcept[:len(quickConcept)-1],                                  // cut short
		quickConcept + ",",
		`{"label":"x"}`, // no units
	} {
		if c, ok := quickDecode([]byte(s)); ok {
			t.Errorf("accepted %s as %+v", s, c)
		}
	}
}

// FuzzQuickDecode checks that what quickDecode accepts, encoding/json
// decodes alike.
func FuzzQuickDecode(f *testing.F) {
	f.Add([]byte(quickConcept))
	f.Add([]byte(`{"units":{}}`))
	f.Add([]byte(`{"units":{"USD":[{"val":1e5,"fy":-0.5}]},"label":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := quickDecode(data)
		if !ok {
			return
		}
		var want conceptJSON
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("accepted what encoding/json refuses (%v)", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got\n%+v\nwant\n%+v", got, want)
		}
	})
}

// A concept of several units, its facts out of order, decodes alike read
// quickly and, where the quick reader gives up (an escape), by
// encoding/json: each unit's facts its own, sorted by end date.
func TestDecodeConceptUnits(t *testing.T) {
	const two = `{"label":"EPS","units":{"USD/shares":[
 {"start":"2024-01-01","end":"2024-12-31","val":5.53,"accn":"b","fy":2024,"fp":"FY","form":"10-K","filed":"2025-02-07"},
 {"start":"2023-01-01","end":"2023-12-31","val":2.9,"accn":"a","fy":2023,"fp":"FY","form":"10-K","filed":"2024-02-02","frame":"CY2023"}],
 "shares":[{"end":"2025-01-24","val":10597729000,"accn":"b","fy":2024,"fp":"FY","form":"10-K","filed":"2025-02-07"},
 {"end":"2024-01-19","val":10387381000,"accn":"a","fy":2023,"fp":"FY","form":"10-K","filed":"2024-02-02"}]}}`
	quick, err := decodeConcept("us-gaap:EPS", []byte(two))
	if err != nil {
		t.Fatal(err)
	}
	escaped := strings.Replace(two, `"fp":"FY"`, `"fp":"F\u0059"`, 1)
	if _, ok := quickDecode([]byte(escaped)); ok {
		t.Fatal("the quick reader took an escape")
	}
	slow, err := decodeConcept("us-gaap:EPS", []byte(escaped))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []*Concept{quick, slow} {
		if got := strings.Join(k.Units(), " "); got != "USD/shares shares" || k.Label != "EPS" {
			t.Fatalf("units %s label %q", got, k.Label)
		}
		eps, shares := k.Facts("USD/shares"), k.Facts("shares")
		if len(eps) != 2 || eps[0].Val.String() != "2.9" || eps[0].Accn != "a" || eps[0].Frame != "CY2023" || eps[1].Val.String() != "5.53" || eps[1].FP != "FY" {
			t.Errorf("USD/shares %+v", eps)
		}
		if len(shares) != 2 || shares[0].Val.String() != "10387381000" || shares[1].Val.String() != "10597729000" || !shares[1].Instant() || shares[1].Accn != "b" {
			t.Errorf("shares %+v", shares)
		}
	}
	if !reflect.DeepEqual(quick.Facts("shares"), slow.Facts("shares")) || !reflect.DeepEqual(quick.Facts("USD/shares"), slow.Facts("USD/shares")) {
		t.Error("the two readers differ")
	}
}
