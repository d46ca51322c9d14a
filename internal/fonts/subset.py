#!/usr/bin/python3
"""Makes the site's text faces from Debian's fonts-sil-charis (Charis SIL
6.101, SIL Open Font License 1.1): a subset to the Latin, punctuation and
symbols briefs use, renamed "Briefs Text" because the licence reserves the
names "Charis" and "SIL" for unmodified versions. Writes a TTF (for drawing
in Go) and a WOFF2 (for the browser) of each style.

Run with Debian's python3-fonttools and python3-brotli installed:
    /usr/bin/python3 internal/fonts/subset.py
"""
import os
from fontTools import subset
from fontTools.ttLib import TTFont

SRC = "/usr/share/fonts/truetype/charis"
OUT = os.path.dirname(os.path.abspath(__file__))
STYLES = {"Regular": "regular", "Italic": "italic", "Bold": "bold"}
UNICODES = (
    "U+0020-007E,U+00A0-017F,U+0192,U+0218-021B,U+02C6-02C7,U+02D8-02DD,"
    "U+2000-206F,U+20A0-20C0,U+2100-2122,U+2190-2195,U+2212,U+2215,U+2219,"
    "U+221E,U+2248,U+2260,U+2264-2265,U+25CA,U+FB01-FB02"
)
FEATURES = "kern,liga,clig,calt,ccmp,locl,mark,mkmk,tnum,lnum,pnum,onum,case"


# The names a font is known by; copyright, trademark and licence records
# keep their original text.
NAMES = {1, 3, 4, 6, 16, 17, 21, 22}


def rename(font):
    for rec in font["name"].names:
        text = rec.toUnicode()
        new = text
        if rec.nameID in NAMES:
            new = text.replace("Charis SIL", "Briefs Text").replace("CharisSIL", "BriefsText")
        elif rec.nameID == 5:
            new = text + "; a subset of Charis SIL made by briefs"
        if new != text:
            rec.string = new


for src, name in STYLES.items():
    for flavor, ext in ((None, "ttf"), ("woff2", "woff2")):
        opts = subset.Options()
        opts.layout_features = FEATURES.split(",")
        opts.name_IDs = list(range(0, 15)) + [16, 17]
        opts.name_languages = ["*"]
        opts.notdef_outline = True
        opts.hinting = False
        opts.flavor = flavor
        font = subset.load_font(os.path.join(SRC, "CharisSIL-%s.ttf" % src), opts)
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=subset.parse_unicodes(UNICODES))
        sub.subset(font)
        rename(font)
        subset.save_font(font, os.path.join(OUT, "text-%s.%s" % (name, ext)), opts)
