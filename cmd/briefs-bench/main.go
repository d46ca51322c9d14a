// Command briefs-bench measures whole-site builds of synthetic corpora
// (make bench).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/briefs/briefs/internal/bench"
)

func main() {
	if err := bench.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "briefs-bench:", err)
		os.Exit(1)
	}
}
