package brief

import "testing"

func TestQuickKey(t *testing.T) {
	tests := []struct {
		src, key string
		ok       bool
	}{
		{"---\ntitle: A\nticker: AMZN\ncompany: Amazon.com, Inc.\n---\nbody\n", "AMZN", true},
		{"---\ntitle: A\ncompany: \"Acme: the company\" # comment\n---\n", "Acme: the company", true},
		{"---\r\ntitle: A\r\ncompany: 'Acme'\r\n---\r\n", "Acme", true},
		{"---\ntitle: A\nfigures:\n  ticker: 5\n---\n", "", true},
		{"---\ncompany: Amazon.com,\n  Inc.\n---\n", "", false},
		{"---\n{title: A, ticker: X}\n---\n", "", false},
		{"---\nticker: *t\n---\n", "", false},
		{"---\nticker: A\nticker: B\n---\n", "", false},
		{"---\nticker: A\n", "", false},
		{"---\ncompany: Socie\u0301te\u0301\n---\n", "Soci\u00e9t\u00e9", true},
		{"---\ncompany: \"A\\aB\"\n---\n", "", false},
	}
	for _, tt := range tests {
		key, ok := QuickKey([]byte(tt.src))
		if key != tt.key || ok != tt.ok {
			t.Errorf("QuickKey(%q) = %q, %v; want %q, %v", tt.src, key, ok, tt.key, tt.ok)
		}
	}
}

// FuzzQuickKey: whenever the quick reader is sure, it agrees with Read.
func FuzzQuickKey(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: A\ndate: 2025-01-01\nticker: AMZN\n---\n",
		"---\ntitle: A\ndate: 2025-01-01\ncompany: \"X\" # c\n---\n",
		"---\ncompany: a\n  b\n---\n",
		"---\nticker: ~\ncompany: null\n---\n",
		"---\ncompany: \"Socie\\u0301te\\u0301\"\n---\n",
		"---\ncompany: \"A\\x85B\"\n---\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		key, ok := QuickKey([]byte(src))
		if !ok {
			return
		}
		b, _ := Read("content/x.md", []byte(src))
		if b != nil && b.Key() != key {
			t.Fatalf("QuickKey(%q) = %q, Read says %q", src, key, b.Key())
		}
	})
}
