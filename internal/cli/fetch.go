package cli

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"

	"github.com/briefs/briefs/internal/sec"
)

// fetch runs briefs fetch SOURCE ...; sec is the only source so far.
func fetch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags(fetchUsage, stdout, stderr)
	if len(args) == 0 || args[0] != "sec" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fs.printUsage(stdout)
			return flag.ErrHelp
		}
		return fail(2, "usage: %s", fetchUsage)
	}
	src := fs.String("src", ".", "the site's source folder (the files go to SRC/data/sec/)")
	ua := fs.String("user-agent", os.Getenv("BRIEFS_SEC_USER_AGENT"), "who is asking, as the SEC requires: \"Name email@example.com\" (default $BRIEFS_SEC_USER_AGENT)")
	base := fs.String("sec-base-url", os.Getenv("BRIEFS_SEC_BASE_URL"), "serve both SEC hosts from this URL instead (tests; default $BRIEFS_SEC_BASE_URL)")
	if err := fs.parse(args[1:], 1, -1); err != nil {
		return err
	}
	if *ua == "" {
		return fail(2, "briefs fetch sec: %w", sec.ErrNoUserAgent)
	}
	c := &sec.Client{UserAgent: *ua, BaseURL: *base}
	if err := c.Fetch(ctx, filepath.Join(*src, filepath.FromSlash(sec.Dir)), fs.Args(), stdout); err != nil {
		return fail(1, "briefs fetch sec: %w", err)
	}
	return nil
}
