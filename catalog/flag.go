package catalog

import (
	"fmt"
	"strings"
)

// Flag marks a quirk of one offering. Flags combine as a bit set.
type Flag uint16

// The flags. The loader sets FlagComposed, FlagAlternative and FlagLocalZone;
// New derives FlagNoPrice and FlagSpotAboveOnDemand from the prices; price
// overlays set FlagOverlaid.
const (
	// FlagNoPrice: neither an on-demand nor a spot price is known. The
	// offering is kept (it exists) but cannot be priced; rank it last.
	FlagNoPrice Flag = 1 << iota
	// FlagSpotAboveOnDemand: the spot price is above the on-demand price
	// (rounding, or an AWS Local Zone priced against its parent region).
	// Both prices are kept as published.
	FlagSpotAboveOnDemand
	// FlagComposed: a GCP VM priced as host row + accelerator row of the
	// same zone (n1 + attachable GPU, or an A2/A3/A4/G2 type).
	FlagComposed
	// FlagAlternative: a GCP machine for the same accelerators in the same
	// zone as the one SkyPilot picks by default (the cheapest): a larger n1
	// host for an attachable GPU, a larger G2 host for one L4, or an A3
	// variant (a3-edgegpu-8g, *-nolssd) where the type SkyPilot maps is
	// offered too. An optimizer should consider it only when the request
	// names the instance type or sizes cpus or memory.
	FlagAlternative
	// FlagLocalZone: an AWS Local Zone (a zone ID such as usw2-lax1-az1).
	FlagLocalZone
	// FlagOverlaid: a price of the offering was set or scaled by a price
	// overlay (WithDiscount, WithPriceRules).
	FlagOverlaid

	flagEnd
)

var flagNames = []string{
	"no-price",
	"spot-above-on-demand",
	"composed",
	"alternative",
	"local-zone",
	"overlaid",
}

// Has reports whether every flag of g is set in f.
func (f Flag) Has(g Flag) bool { return f&g == g }

// String lists the set flags joined by "|" ("composed|alternative"), or ""
// when none is set.
func (f Flag) String() string {
	var parts []string
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if rest := f &^ (flagEnd - 1); rest != 0 {
		parts = append(parts, fmt.Sprintf("0x%x", uint16(rest)))
	}
	return strings.Join(parts, "|")
}

// MarshalText encodes the flags as String does.
func (f Flag) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText decodes flags written by MarshalText ("|" or "," separated
// names; empty for none).
func (f *Flag) UnmarshalText(b []byte) error {
	var out Flag
	for part := range strings.FieldsFuncSeq(string(b), func(r rune) bool { return r == '|' || r == ',' }) {
		part = strings.TrimSpace(part)
		i := indexOf(flagNames, part)
		if i < 0 {
			return fmt.Errorf("catalog: unknown offering flag %q (want one of %s)", part, strings.Join(flagNames, ", "))
		}
		out |= 1 << i
	}
	*f = out
	return nil
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
