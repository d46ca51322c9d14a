package site

import (
	"bytes"
	"encoding/binary"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/diag"
)

// records is what a streaming build keeps of its briefs once their pages
// are written: the errors of every brief, and for each brief it may
// publish one fixed-size record without pointers, whose own strings lie in
// a shared byte arena and whose shared ones (company, ticker, period,
// tags, labels) are interned. The lists, the feed and the sitemap are made
// from them. At 100,000 briefs this is ~30 MB that the collector marks
// without scanning, where a rendering per brief was ~150 MB of pointers.
type records struct {
	mu   sync.Mutex
	recs []record
	// chunks hold the records' strings; a chunk is never moved or grown
	// past its capacity, so nothing is copied as the arena grows.
	chunks [][]byte
	// strs are the interned strings by number (0 is ""); num numbers them.
	strs []string
	num  map[string]uint32
	tags []tagRef
	errs diag.List
}

// record is one brief that a streaming build may publish.
type record struct {
	// chunk and off locate the brief's strings (recPath, recTitle, …),
	// each written as its length (uvarint) and its bytes.
	chunk, off    uint32
	date, updated int64 // Unix seconds, UTC
	// tags are records.tags[tags : tags+ntags].
	tags, ntags uint32
	// Interned strings.
	company, ticker, period, key, keyField, headLabel uint32
	slugAt, keyAt                                     pos32
	charts                                            uint32
	draft                                             bool
}

// The strings of a record in the arena, in this order.
const (
	recPath = iota
	recTitle
	recSummary
	recSlug
	recID
	recHeadText
	recHeadData
	recStrings
)

// pos32 is a diag.Pos in half the space.
type pos32 struct{ line, col int32 }

func toPos32(p diag.Pos) pos32 { return pos32{int32(p.Line), int32(p.Col)} }
func (p pos32) pos() diag.Pos  { return diag.Pos{Line: int(p.line), Col: int(p.col)} }

// tagRef is one tag of a record.
type tagRef struct {
	name, slug uint32 // interned
	at         pos32
}

// chunkSize is the size of an arena chunk.
const chunkSize = 1 << 20

// newRecords returns an empty store for a build of about n briefs.
func newRecords(n int) *records {
	return &records{recs: make([]record, 0, n), strs: []string{""}, num: map[string]uint32{"": 0}}
}

// intern numbers s; the caller holds mu.
func (rs *records) intern(s string) uint32 {
	if n, ok := rs.num[s]; ok {
		return n
	}
	// A copy: s may point into a brief's source, which must not stay alive.
	s = strings.Clone(s)
	n := uint32(len(rs.strs))
	rs.strs = append(rs.strs, s)
	rs.num[s] = n
	return n
}

// addErr keeps an error of a brief whose record may be kept already.
func (rs *records) addErr(err *diag.Error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.errs.Add(err)
}

// add keeps the errors of a brief whose pages are written, and its record
// if it may be published.
func (rs *records) add(e *entry, publish bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.errs.Extend(e.errs)
	if !publish {
		return
	}
	r := e.good
	m, it := r.meta, r.item
	strs := [recStrings]string{m.Path, m.Title, m.Summary, m.Slug, m.ID, it.HeadlineText, it.HeadlineData}
	size := 0
	for _, s := range strs {
		size += binary.MaxVarintLen64 + len(s)
	}
	last := len(rs.chunks) - 1
	if last < 0 || cap(rs.chunks[last])-len(rs.chunks[last]) < size {
		rs.chunks = append(rs.chunks, make([]byte, 0, max(chunkSize, size)))
		last++
	}
	c := rs.chunks[last]
	rec := record{chunk: uint32(last), off: uint32(len(c)),
		date: m.Date.Unix(), updated: m.Updated.Unix(),
		tags: uint32(len(rs.tags)), ntags: uint32(len(m.Tags)),
		company: rs.intern(it.Kicker.Company), ticker: rs.intern(it.Kicker.Ticker), period: rs.intern(it.Kicker.Period),
		key: rs.intern(m.Company), keyField: rs.intern(m.CompanyField), headLabel: rs.intern(it.HeadlineLabel),
		slugAt: toPos32(m.SlugAt), keyAt: toPos32(m.CompanyAt), charts: uint32(r.charts), draft: m.Draft}
	for _, s := range strs {
		c = binary.AppendUvarint(c, uint64(len(s)))
		c = append(c, s...)
	}
	rs.chunks[last] = c
	for _, t := range m.Tags {
		rs.tags = append(rs.tags, tagRef{rs.intern(t.Name), rs.intern(t.Slug), toPos32(t.At)})
	}
	rs.recs = append(rs.recs, rec)
}

// field returns one of record i's strings as bytes of the arena.
func (rs *records) field(i int32, f int) []byte {
	r := &rs.recs[i]
	b := rs.chunks[r.chunk][r.off:]
	for {
		n, k := binary.Uvarint(b)
		if f == 0 {
			return b[k : k+int(n)]
		}
		b = b[k+int(n):]
		f--
	}
}

// str returns one of record i's strings.
func (rs *records) str(i int32, f int) string { return string(rs.field(i, f)) }

func utcDate(unix int64) time.Time { return time.Unix(unix, 0).UTC() }

// meta is record i's meta, as its rendering had it.
func (rs *records) meta(i int32) meta {
	r := &rs.recs[i]
	m := meta{Path: rs.str(i, recPath), Title: rs.str(i, recTitle), Summary: rs.str(i, recSummary),
		Slug: rs.str(i, recSlug), SlugAt: r.slugAt.pos(), Date: utcDate(r.date), Updated: utcDate(r.updated),
		ID: rs.str(i, recID), Draft: r.draft, Company: rs.strs[r.key], CompanyField: rs.strs[r.keyField], CompanyAt: r.keyAt.pos()}
	for _, t := range rs.tags[r.tags : r.tags+r.ntags] {
		m.Tags = append(m.Tags, brief.Tag{Name: rs.strs[t.name], Slug: rs.strs[t.slug], At: t.at.pos()})
	}
	return m
}

// item is record i's row in a list, as its rendering had it.
func (rs *records) item(i int32) *listItem {
	r := &rs.recs[i]
	d := utcDate(r.date)
	return &listItem{Title: rs.str(i, recTitle), URL: rs.str(i, recSlug) + "/", Summary: rs.str(i, recSummary),
		Kicker:  kickerLine{Company: rs.strs[r.company], Ticker: rs.strs[r.ticker], Period: rs.strs[r.period]},
		DateISO: d.Format("2006-01-02"), DateText: d.Format("2 January 2006"),
		HeadlineText: rs.str(i, recHeadText), HeadlineData: rs.str(i, recHeadData), HeadlineLabel: rs.strs[r.headLabel]}
}

// published returns the records to publish, newest first, as published
// does for renderings, and the errors of every brief.
func (rs *records) published(b *Builder) ([]int32, diag.List) {
	errs := append(diag.List{}, rs.errs...)
	for _, co := range b.companies {
		errs.Extend(co.errs)
	}
	at := make([]int32, len(rs.recs))
	for i := range at {
		at[i] = int32(i)
	}
	// Newest first; ties by slug, then path.
	sort.Slice(at, func(i, j int) bool {
		a, c := &rs.recs[at[i]], &rs.recs[at[j]]
		if a.date != c.date {
			return a.date > c.date
		}
		if s := bytes.Compare(rs.field(at[i], recSlug), rs.field(at[j], recSlug)); s != 0 {
			return s < 0
		}
		return bytes.Compare(rs.field(at[i], recPath), rs.field(at[j], recPath)) < 0
	})
	// One brief per slug: the first in that order keeps it, as published
	// decides. Found by sorting by slug, without a map of every slug.
	drop := make([]bool, len(at))
	for i, r := range at {
		if slices.Contains(siteDirs, string(rs.field(r, recSlug))) {
			m := rs.meta(r)
			errs.Add(diag.At(m.Path, m.SlugAt, "slug %s is taken by the site's own pages (%s): set another slug", m.Slug, strings.Join(siteDirs, ", ")))
			drop[i] = true
		}
	}
	bySlug := make([]int, 0, len(at))
	for i := range at {
		if !drop[i] {
			bySlug = append(bySlug, i)
		}
	}
	sort.SliceStable(bySlug, func(i, j int) bool {
		return bytes.Compare(rs.field(at[bySlug[i]], recSlug), rs.field(at[bySlug[j]], recSlug)) < 0
	})
	for i := 1; i < len(bySlug); i++ {
		first := bySlug[i-1]
		for i < len(bySlug) && bytes.Equal(rs.field(at[first], recSlug), rs.field(at[bySlug[i]], recSlug)) {
			// The error goes to the later file by name, whichever is newer.
			a, c := rs.meta(at[first]), rs.meta(at[bySlug[i]])
			if c.Path < a.Path {
				a, c = c, a
			}
			errs.Add(diag.At(c.Path, c.SlugAt, "slug %s is already used by %s", c.Slug, a.Path))
			drop[bySlug[i]] = true
			i++
		}
	}
	out := at[:0]
	for i, r := range at {
		if !drop[i] {
			out = append(out, r)
		}
	}
	metaAt := func(i int) meta { return rs.meta(out[i]) }
	errs.Extend(tagCollisions(len(out), metaAt))
	errs.Extend(companyCollisions(len(out), metaAt))
	return out, errs
}

// lists are the home page's and every tag's list of records.
func (rs *records) lists(pub []int32) briefLists {
	l := briefLists{home: itemList{recs: rs, at: pub}, tags: map[string]itemList{}, names: map[string]string{}}
	for _, i := range pub {
		r := &rs.recs[i]
		for _, t := range rs.tags[r.tags : r.tags+r.ntags] {
			s := rs.strs[t.slug]
			tl := l.tags[s]
			tl.recs, tl.at = rs, append(tl.at, i)
			l.tags[s] = tl
			if _, ok := l.names[s]; !ok {
				l.names[s] = rs.strs[t.name]
			}
		}
	}
	return l
}

// feed is the Atom feed of the published records pub (newest first).
func (rs *records) feed(b *Builder, pub []int32) []byte {
	var top []meta
	for _, i := range pub[:min(feedSize, len(pub))] {
		top = append(top, rs.meta(i))
	}
	var first *time.Time
	if len(pub) > 0 {
		d := utcDate(rs.recs[pub[len(pub)-1]].date)
		first = &d
	}
	return b.feedOf(top, first)
}
