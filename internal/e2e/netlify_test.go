package e2e

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestNetlifyWarmDeploy runs `netlify build --offline` (netlify-cli from
// node_modules, no account or site needed) three times in a row on a copy
// of the sample site with the project's netlify.toml and its build plugin
// (netlify/plugins/briefs-state), removing all but the cache before each
// build as a fresh clone on Netlify would. The plugin keeps public/ and
// .public.briefs/ in Netlify's build cache (here .netlify/cache, which the
// CLI uses where Netlify's build machines use /opt/build/cache; the same
// @netlify/cache-utils code moves the files). The first build draws every
// OpenGraph image; the next ones draw none, and the third rewrites no file
// (the second writes into the empty folder the first left beside public/).
func TestNetlifyWarmDeploy(t *testing.T) {
	repo := root(t)
	cli := filepath.Join(repo, "node_modules", ".bin", "netlify")
	_, err := os.Stat(cli)
	need(t, "netlify-cli (npm ci)", err == nil)
	_, err = exec.LookPath("node")
	need(t, "node", err == nil)

	site := t.TempDir()
	for _, p := range []string{"netlify.toml", "Makefile", "go.mod", "go.sum", "content", "layouts", "data", "netlify"} {
		if err := os.CopyFS(filepath.Join(site, p), os.DirFS(filepath.Join(repo, p))); err != nil {
			// os.CopyFS copies folders; files are copied here.
			data, rerr := os.ReadFile(filepath.Join(repo, p))
			if rerr != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(site, p), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	// `make build` builds bin/briefs only when it is older than its
	// sources; a binary built now is not, and the copy has no Go sources.
	build := exec.Command("go", "build", "-o", filepath.Join(site, "bin", "briefs"), "./cmd/briefs")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	home := t.TempDir()
	drawn := regexp.MustCompile(`\((\d+) OpenGraph images drawn\)`)
	run := func(n int) string {
		t.Helper()
		// Netlify builds in a fresh clone: nothing but its cache survives
		// from one build to the next.
		for _, p := range []string{"public", ".public.briefs"} {
			if err := os.RemoveAll(filepath.Join(site, p)); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command(cli, "build", "--offline", "--context", "production")
		cmd.Dir = site
		// A home of its own: the CLI writes its settings there.
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "NETLIFY_SITE_ID=", "NETLIFY_AUTH_TOKEN=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("netlify build #%d: %v\n%s", n, err, out)
		}
		m := drawn.FindStringSubmatch(string(out))
		if m == nil {
			t.Fatalf("netlify build #%d did not report the images it drew:\n%s", n, out)
		}
		return m[1]
	}
	if got := run(1); got == "0" {
		t.Fatalf("the first build drew no image: is the sample site without briefs?")
	}
	if got := run(2); got != "0" {
		t.Errorf("the second build drew %s images, want 0 (public/ and .public.briefs/ restored from the cache)", got)
	}
	// File times have a resolution that can hide a write right after the
	// previous build; wait it out.
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	if got := run(3); got != "0" {
		t.Errorf("the third build drew %s images, want 0", got)
	}
	files := 0
	err = filepath.WalkDir(filepath.Join(site, "public"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.ModTime().Before(start) {
			t.Errorf("the third build rewrote %s, which did not change", strings.TrimPrefix(p, site+"/"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("no public/ after the third build")
	}
}
