package site

import (
	"bytes"
	"regexp"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/svg"
)

// minifier shrinks pages, stylesheets and inline SVG. Document and end tags
// and attribute quotes are kept: the pages stay valid and readable, and the
// preview server can still find </head> and <body> to inject into.
var minifier = func() *minify.M {
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true, KeepDefaultAttrVals: true, KeepSpecialComments: false})
	m.AddFunc("text/css", css.Minify)
	m.Add("image/svg+xml", &svg.Minifier{KeepComments: false})
	m.AddRegexp(regexp.MustCompile("^image/svg\\+xml$"), &svg.Minifier{})
	return m
}()

// minified returns data minified as mediatype, or data itself should the
// minifier fail (it never makes a page wrong, only larger).
func minified(mediatype string, data []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(data))
	if err := minifier.Minify(mediatype, &out, bytes.NewReader(data)); err != nil {
		return data
	}
	return out.Bytes()
}
