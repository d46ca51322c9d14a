// Command briefs builds, previews and checks a site of financial briefs.
package main

import (
	"context"
	"errors"
	"os"

	"github.com/briefs/briefs/internal/cli"
	"github.com/briefs/briefs/internal/server"
)

func main() {
	ctx, stop := cli.SignalContext(context.Background())
	err := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr, server.Run)
	stop()
	// Run has printed why it failed; only the exit code is left to give.
	var exit *cli.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.Code)
	}
	if err != nil {
		os.Exit(1)
	}
}
