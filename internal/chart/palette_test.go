package chart

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB.
var (
	protanopia   = [3][3]float64{{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}}
	deuteranopia = [3][3]float64{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}
	normalVision = [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
)

func linear(c float64) float64 {
	if c <= 0.04045 {
		return c / 12.92
	}
	return math.Pow((c+0.055)/1.055, 2.4)
}

// seen is how a colour looks in CIELAB (D65) to an eye that sees through m.
func seen(hex string, m [3][3]float64) [3]float64 {
	v, _ := strconv.ParseUint(hex[1:], 16, 32)
	l := [3]float64{linear(float64(v>>16&255) / 255), linear(float64(v>>8&255) / 255), linear(float64(v&255) / 255)}
	var s [3]float64
	for i := range s {
		s[i] = math.Min(1, math.Max(0, m[i][0]*l[0]+m[i][1]*l[1]+m[i][2]*l[2]))
	}
	x := (0.4124564*s[0] + 0.3575761*s[1] + 0.1804375*s[2]) / 0.95047
	y := 0.2126729*s[0] + 0.7151522*s[1] + 0.0721750*s[2]
	z := (0.0193339*s[0] + 0.1191920*s[1] + 0.9503041*s[2]) / 1.08883
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	return [3]float64{116*f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))}
}

// ciede2000 is the CIEDE2000 colour difference (Sharma, Wu and Dalal 2005).
func ciede2000(p, q [3]float64) float64 {
	rad := math.Pi / 180
	L1, a1, b1, L2, a2, b2 := p[0], p[1], p[2], q[0], q[1], q[2]
	Cb := (math.Hypot(a1, b1) + math.Hypot(a2, b2)) / 2
	G := 0.5 * (1 - math.Sqrt(math.Pow(Cb, 7)/(math.Pow(Cb, 7)+math.Pow(25, 7))))
	a1p, a2p := (1+G)*a1, (1+G)*a2
	C1, C2 := math.Hypot(a1p, b1), math.Hypot(a2p, b2)
	hue := func(b, a float64) float64 {
		if a == 0 && b == 0 {
			return 0
		}
		h := math.Atan2(b, a) / rad
		if h < 0 {
			h += 360
		}
		return h
	}
	h1, h2 := hue(b1, a1p), hue(b2, a2p)
	dh := 0.0
	if C1*C2 != 0 {
		dh = h2 - h1
		if dh > 180 {
			dh -= 360
		} else if dh < -180 {
			dh += 360
		}
	}
	dL, dC, dH := L2-L1, C2-C1, 2*math.Sqrt(C1*C2)*math.Sin(dh/2*rad)
	Lb, Cbp, hb := (L1+L2)/2, (C1+C2)/2, h1+h2
	if C1*C2 != 0 {
		if math.Abs(h1-h2) > 180 {
			if hb < 360 {
				hb += 360
			} else {
				hb -= 360
			}
		}
		hb /= 2
	}
	T := 1 - 0.17*math.Cos((hb-30)*rad) + 0.24*math.Cos(2*hb*rad) + 0.32*math.Cos((3*hb+6)*rad) - 0.20*math.Cos((4*hb-63)*rad)
	RC := 2 * math.Sqrt(math.Pow(Cbp, 7)/(math.Pow(Cbp, 7)+math.Pow(25, 7)))
	SL := 1 + 0.015*(Lb-50)*(Lb-50)/math.Sqrt(20+(Lb-50)*(Lb-50))
	SC, SH := 1+0.045*Cbp, 1+0.015*Cbp*T
	RT := -math.Sin(2*30*math.Exp(-math.Pow((hb-275)/25, 2))*rad) * RC
	return math.Sqrt(math.Pow(dL/SL, 2) + math.Pow(dC/SC, 2) + math.Pow(dH/SH, 2) + RT*(dC/SC)*(dH/SH))
}

func TestCIEDE2000(t *testing.T) {
	// Pairs from Sharma, Wu and Dalal's test data.
	for _, tt := range []struct {
		p, q [3]float64
		want float64
	}{
		{[3]float64{50, 2.6772, -79.7751}, [3]float64{50, 0, -82.7485}, 2.0425},
		{[3]float64{50, -1.3802, -84.2814}, [3]float64{50, 0, -82.7485}, 1.0000},
		{[3]float64{50, 2.5, 0}, [3]float64{73, 25, -18}, 27.1492},
		{[3]float64{60.2574, -34.0099, 36.2677}, [3]float64{60.4626, -34.1751, 39.4387}, 1.2644},
		{[3]float64{22.7233, 20.0904, -46.6940}, [3]float64{23.0331, 14.9730, -42.5619}, 2.0373},
	} {
		if got := ciede2000(tt.p, tt.q); math.Abs(got-tt.want) > 1e-4 {
			t.Errorf("ΔE00(%v, %v) = %.4f, want %.4f", tt.p, tt.q, got, tt.want)
		}
	}
}

// TestPaletteDistinct reads the categorical palette the site serves and
// checks that every pair of its colours stays apart (ΔE00 >= 10) for
// normal vision and under simulated deuteranopia and protanopia, in light
// and in dark mode.
func TestPaletteDistinct(t *testing.T) {
	css, err := os.ReadFile("../../layouts/site.css")
	if err != nil {
		t.Fatal(err)
	}
	var light, dark []string
	for _, m := range regexp.MustCompile(`--c(\d): (#[0-9a-f]{6})`).FindAllStringSubmatch(string(css), -1) {
		if len(light) < palette {
			light = append(light, m[2])
		} else {
			dark = append(dark, m[2])
		}
	}
	if len(light) != palette || len(dark) != palette || palette < 8 {
		t.Fatalf("want %d light and %d dark palette colours (at least 8), found %v and %v", palette, palette, light, dark)
	}
	for mode, colours := range map[string][]string{"light": light, "dark": dark} {
		for vision, m := range map[string][3][3]float64{"normal vision": normalVision, "deuteranopia": deuteranopia, "protanopia": protanopia} {
			for i := range colours {
				for j := i + 1; j < len(colours); j++ {
					if d := ciede2000(seen(colours[i], m), seen(colours[j], m)); d < 10 {
						t.Errorf("%s mode, %s: --c%d %s and --c%d %s differ by ΔE00 %.1f, want at least 10", mode, vision, i, colours[i], j, colours[j], d)
					}
				}
			}
		}
	}
}
