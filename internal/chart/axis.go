package chart

import (
	"math"
	"strings"

	"github.com/shopspring/decimal"
)

// scale is a value axis: round ticks from min to max that include zero.
// The ticks are exact decimals, so their labels carry no float artifacts
// at any magnitude; only their positions are floats.
type scale struct {
	min, max float64
	ticks    []decimal.Decimal
	at       []float64 // where each tick is drawn
	labels   []string  // filled in by Renderer.scale
	dec      int32     // decimals every tick label shows
}

// headroom is how much of the axis may lie beyond the data.
const headroom = 0.15

var mantissas = [...]int64{10, 20, 25, 50}

// niceScale picks the finest round step (1, 2, 2.5 or 5 times a power of
// ten) that spans [lo, hi] and zero in at most maxSteps steps, preferring
// one that wastes no more than headroom of the axis.
func niceScale(lo, hi float64, maxSteps int) scale {
	lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	if lo == hi {
		hi = 1
	}
	span := hi - lo
	e0 := int32(math.Floor(math.Log10(span/float64(maxSteps)))) - 1
	type pick struct {
		step   decimal.Decimal
		kl, kh int64
		waste  float64
	}
	var best, fallback *pick
	loD, hiD := decimal.NewFromFloat(lo), decimal.NewFromFloat(hi)
	for e := e0; e <= e0+2 && best == nil; e++ {
		for _, m := range mantissas {
			step := decimal.New(m, e-1)
			sf := float64(m) * math.Pow(10, float64(e-1))
			// Floats place the ticks roughly; exact decimals settle them,
			// so the axis spans every value at any magnitude.
			kl, kh := int64(math.Floor(lo/sf+1e-9)), int64(math.Ceil(hi/sf-1e-9))
			for step.Mul(decimal.NewFromInt(kl)).GreaterThan(loD) {
				kl--
			}
			for step.Mul(decimal.NewFromInt(kh)).LessThan(hiD) {
				kh++
			}
			if kh-kl > int64(maxSteps) || kh-kl < 1 {
				continue
			}
			waste := 1 - span/(float64(kh-kl)*sf)
			p := &pick{step, kl, kh, waste}
			if waste <= headroom {
				best = p
				break
			}
			if fallback == nil || waste < fallback.waste {
				fallback = p
			}
		}
	}
	if best == nil {
		best = fallback
	}
	// The step's own decimals, whatever its internal exponent (20 may be
	// stored as 200e-1).
	var s scale
	if t := best.step.String(); strings.Contains(t, ".") {
		s.dec = int32(len(t) - strings.IndexByte(t, '.') - 1)
	}
	for k := best.kl; k <= best.kh; k++ {
		t := best.step.Mul(decimal.NewFromInt(k))
		s.ticks = append(s.ticks, t)
		s.at = append(s.at, t.InexactFloat64())
	}
	// The nearest floats to exact ticks outside the data stay outside it.
	s.min = s.ticks[0].InexactFloat64()
	s.max = s.ticks[len(s.ticks)-1].InexactFloat64()
	return s
}

// tickLabel writes an axis value like the chart's values: prefix, digits
// grouped by thousands, the step's decimals, suffix, a true minus sign; zero
// is a bare 0.
func tickLabel(v decimal.Decimal, dec int32, prefix, suffix string) string {
	if v.IsZero() {
		return "0"
	}
	digits := v.Abs().StringFixed(dec)
	intPart, frac := digits, ""
	if i := strings.IndexByte(digits, '.'); i >= 0 {
		intPart, frac = digits[:i], digits[i:]
	}
	var b strings.Builder
	if v.Sign() < 0 {
		b.WriteString("−")
	}
	b.WriteString(prefix)
	b.WriteString(group(intPart))
	b.WriteString(frac)
	b.WriteString(suffix)
	return b.String()
}

// group puts a comma between every three digits.
func group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	lead := len(digits) % 3
	if lead == 0 {
		lead = 3
	}
	b.WriteString(digits[:lead])
	for i := lead; i < len(digits); i += 3 {
		b.WriteByte(',')
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
