package site

import (
	"bytes"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/svg"
)

// minifier shrinks the layouts' templates (once, when they load: the
// minifier leaves {{ actions }} alone), the stylesheet and SVG files. Pages
// then come out minified at no cost per page: what the templates insert,
// goldmark's HTML and the charts' SVG, is generated compact already.
// Document and end tags and attribute quotes are kept, so pages stay valid
// and the preview server can still find </head> and <body> to inject into.
var minifier = func() *minify.M {
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true, KeepDefaultAttrVals: true})
	m.Add("text/x-template", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true, KeepDefaultAttrVals: true, TemplateDelims: html.GoTemplateDelims})
	m.AddFunc("text/css", css.Minify)
	m.Add("image/svg+xml", &svg.Minifier{})
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
