package catalog

import (
	"fmt"
	"math"
	"strings"

	"github.com/skyhop/skyhop/catalog/accelerator"
)

// Option configures New, Load, LoadFile and Catalog.Apply.
type Option func(*config)

type config struct {
	source   *Source
	registry *accelerator.Registry
	rules    []PriceRule
	errs     []error
}

func buildConfig(opts []Option) (*config, error) {
	cfg := &config{}
	for _, o := range opts {
		if o != nil {
			o(cfg)
		}
	}
	if len(cfg.errs) > 0 {
		return nil, cfg.errs[0]
	}
	return cfg, nil
}

// WithSource sets the catalog's source metadata (name, date, attribution).
func WithSource(s Source) Option { return func(c *config) { c.source = &s } }

// WithRegistry sets the accelerator registry used to canonicalise the names
// in the data (default accelerator.Default()). Names the registry does not
// know are still accepted, as custom accelerators, and added to the
// catalog's own Registry.
func WithRegistry(r *accelerator.Registry) Option {
	return func(c *config) {
		if r != nil {
			c.registry = r
		}
	}
}

// WithDiscount scales every price (on-demand and spot) of cloud by factor:
// 0.8 is a negotiated 20% discount. cloud "" means every cloud. factor must
// be positive.
func WithDiscount(cloud string, factor float64) Option {
	return WithPriceRules(PriceRule{Cloud: cloud, Factor: factor, SpotFactor: factor})
}

// WithPriceRules applies price rules, in order, to the offerings they match:
// a user's negotiated prices or discounts. Every matching rule applies, so a
// later rule sees the prices an earlier rule set.
func WithPriceRules(rules ...PriceRule) Option {
	return func(c *config) {
		for i, r := range rules {
			if err := r.validate(); err != nil {
				c.errs = append(c.errs, fmt.Errorf("catalog: price rule %d: %w", i+1, err))
				continue
			}
			r.Cloud = strings.ToLower(r.Cloud)
			c.rules = append(c.rules, r)
		}
	}
}

// PriceRule changes the prices of the offerings it matches. An empty match
// field matches anything; Cloud and Region match case-insensitively, the
// others exactly (Accelerator by its canonical name).
//
// Price and SpotPrice, when positive, replace the on-demand and spot price
// (for a composed GCP GPU VM, the price of the whole VM); Factor and
// SpotFactor, when positive, then scale them (0.8 = 20% off). A rule that
// changes nothing is an error.
type PriceRule struct {
	Cloud        string `json:"cloud,omitempty"`
	InstanceType string `json:"instance_type,omitempty"`
	Region       string `json:"region,omitempty"`
	Zone         string `json:"zone,omitempty"`
	Accelerator  string `json:"accelerator,omitempty"`

	Price      float64 `json:"price,omitempty"`
	SpotPrice  float64 `json:"spot_price,omitempty"`
	Factor     float64 `json:"factor,omitempty"`
	SpotFactor float64 `json:"spot_factor,omitempty"`
}

func (r *PriceRule) validate() error {
	for _, v := range []struct {
		name string
		v    float64
	}{{"price", r.Price}, {"spot price", r.SpotPrice}, {"factor", r.Factor}, {"spot factor", r.SpotFactor}} {
		if v.v < 0 || math.IsNaN(v.v) || math.IsInf(v.v, 0) {
			return fmt.Errorf("%s %v is not a non-negative number", v.name, v.v)
		}
	}
	if r.Price == 0 && r.SpotPrice == 0 && r.Factor == 0 && r.SpotFactor == 0 {
		return fmt.Errorf("rule for %s changes no price; set Price, SpotPrice, Factor or SpotFactor", r.describe())
	}
	return nil
}

func (r *PriceRule) describe() string {
	var parts []string
	for _, kv := range [][2]string{{"cloud", r.Cloud}, {"instance type", r.InstanceType}, {"region", r.Region}, {"zone", r.Zone}, {"accelerator", r.Accelerator}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+" "+kv[1])
		}
	}
	if len(parts) == 0 {
		return "every offering"
	}
	return strings.Join(parts, ", ")
}

func (r *PriceRule) matches(o *Offering) bool {
	return (r.Cloud == "" || r.Cloud == o.Cloud) &&
		(r.InstanceType == "" || r.InstanceType == o.InstanceType) &&
		(r.Region == "" || strings.EqualFold(r.Region, o.Region)) &&
		(r.Zone == "" || r.Zone == o.Zone) &&
		(r.Accelerator == "" || r.Accelerator == o.Accelerator)
}

// apply changes o's prices; it reports whether it matched.
func (r *PriceRule) apply(o *Offering) bool {
	if !r.matches(o) {
		return false
	}
	if r.Price > 0 {
		o.Price = r.Price
	}
	if r.SpotPrice > 0 {
		o.SpotPrice = r.SpotPrice
	}
	if r.Factor > 0 {
		o.Price = roundPrice(o.Price * r.Factor)
	}
	if r.SpotFactor > 0 {
		o.SpotPrice = roundPrice(o.SpotPrice * r.SpotFactor)
	}
	o.Flags |= FlagOverlaid
	return true
}

// roundPrice rounds a computed price to 1e-9 USD, so that sums and products
// of decimal prices are the decimal result (0.73948 + 2.93391 = 3.67339, not
// 3.6733900000000004).
func roundPrice(p float64) float64 {
	if p == 0 || math.IsNaN(p) || math.IsInf(p, 0) {
		return p
	}
	return math.Round(p*1e9) / 1e9
}
