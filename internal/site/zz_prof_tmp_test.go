package site_test

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/briefs/briefs/internal/bench"
	"github.com/briefs/briefs/internal/site"
)

func TestProfTmp(t *testing.T) {
	dir := "/dev/shm/serve-c10k"
	if _, err := os.Stat(dir); err != nil {
		if err := bench.Generate(dir, 10000); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := os.Create("/dev/shm/serve-load.prof")
	pprof.StartCPUProfile(f)
	p := site.NewPreview(os.DirFS(dir), site.Options{})
	p.Build()
	pprof.StopCPUProfile()
	f.Close()
	runtime.GC()
	h, _ := os.Create("/dev/shm/serve-heap.prof")
	pprof.WriteHeapProfile(h)
	h.Close()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("heap %d MiB", ms.HeapAlloc>>20)
	runtime.KeepAlive(p)
}
