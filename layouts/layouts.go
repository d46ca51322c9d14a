// Package layouts embeds the default templates and stylesheet, so that a
// site with only content/ still builds. A site's own layouts/ folder
// overrides any of these files by name.
package layouts

import "embed"

// FS holds the default layouts: base.html, brief.html, list.html, tags.html,
// 404.html, site.css and favicon.svg.
//
//go:embed *.html *.css *.svg
var FS embed.FS
