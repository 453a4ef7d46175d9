package catalog

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// LoadPriceRules reads price rules from a CSV table with a header naming
// any of the columns Cloud, InstanceType, Region, Zone (or
// AvailabilityZone), Accelerator (or AcceleratorName), Price, SpotPrice,
// Factor and SpotFactor, in any order (names match case-insensitively);
// empty cells are unset. Pass the rules to WithPriceRules. Errors are
// *ParseError values naming the line and column.
//
//	Cloud,InstanceType,Region,Price,SpotPrice,Factor
//	aws,,,,,0.85
//	gcp,a2-highgpu-8g,us-central1,25.0,,
func LoadPriceRules(r io.Reader) ([]PriceRule, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, &ParseError{Line: 1, Err: errors.New("empty price rule table: want a header line")}
		}
		return nil, csvError("", err)
	}
	type setter func(*PriceRule, string) error
	str := func(f func(*PriceRule) *string) setter {
		return func(r *PriceRule, s string) error { *f(r) = s; return nil }
	}
	num := func(f func(*PriceRule) *float64) setter {
		return func(r *PriceRule, s string) error {
			if s == "" {
				return nil
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%q is not a non-negative decimal number", s)
			}
			*f(r) = v
			return nil
		}
	}
	known := map[string]setter{
		"cloud":            str(func(r *PriceRule) *string { return &r.Cloud }),
		"instancetype":     str(func(r *PriceRule) *string { return &r.InstanceType }),
		"region":           str(func(r *PriceRule) *string { return &r.Region }),
		"zone":             str(func(r *PriceRule) *string { return &r.Zone }),
		"availabilityzone": str(func(r *PriceRule) *string { return &r.Zone }),
		"accelerator":      str(func(r *PriceRule) *string { return &r.Accelerator }),
		"acceleratorname":  str(func(r *PriceRule) *string { return &r.Accelerator }),
		"price":            num(func(r *PriceRule) *float64 { return &r.Price }),
		"spotprice":        num(func(r *PriceRule) *float64 { return &r.SpotPrice }),
		"factor":           num(func(r *PriceRule) *float64 { return &r.Factor }),
		"spotfactor":       num(func(r *PriceRule) *float64 { return &r.SpotFactor }),
	}
	setters := make([]setter, len(header))
	for i, h := range header {
		key := strings.ToLower(strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))))
		s, ok := known[key]
		if !ok {
			_, c := cr.FieldPos(i)
			return nil, &ParseError{Line: 1, Column: c, Field: h,
				Err: errors.New("unknown column; want Cloud, InstanceType, Region, Zone, Accelerator, Price, SpotPrice, Factor, SpotFactor")}
		}
		setters[i] = s
	}
	var rules []PriceRule
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rules, nil
		}
		if err != nil {
			return nil, csvError("", err)
		}
		var rule PriceRule
		for i, cell := range rec {
			if err := setters[i](&rule, strings.TrimSpace(cell)); err != nil {
				l, c := cr.FieldPos(i)
				return nil, &ParseError{Line: l, Column: c, Field: header[i], Err: err}
			}
		}
		if err := rule.validate(); err != nil {
			l, _ := cr.FieldPos(0)
			return nil, &ParseError{Line: l, Err: err}
		}
		rules = append(rules, rule)
	}
}
