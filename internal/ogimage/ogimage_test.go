package ogimage

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
)

func TestDraw(t *testing.T) {
	card := Card{Site: "Follow the Profit", Kicker: "Amazon.com, Inc. · FY2024", Title: strings.Repeat("A very long title that must wrap onto several lines ", 4), Figure: "58.0%", FigureLabel: "AWS share of operating income"}
	data, err := Draw(card)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != Width || b.Dy() != Height || Width != 1200 || Height != 630 {
		t.Errorf("size %v", b)
	}
	again, _ := Draw(card)
	if !bytes.Equal(data, again) {
		t.Errorf("two draws of the same card differ")
	}
	other, _ := Draw(Card{Site: "x", Title: "y"})
	if bytes.Equal(data, other) {
		t.Errorf("different cards drew the same image")
	}
}

func BenchmarkDraw(b *testing.B) {
	card := Card{Site: "Follow the Profit", Kicker: "Amazon.com, Inc. · FY2024", Title: "The Cloud Behind the Cart", Figure: "58.0%", FigureLabel: "AWS share of operating income"}
	for b.Loop() {
		if _, err := Draw(card); err != nil {
			b.Fatal(err)
		}
	}
}
