// Package optimizer ranks a resources.Spec against a catalog: it expands the
// spec into every launchable placement (cloud, instance type, region, zone,
// market) the catalog offers, orders them as failover should try them, and
// explains every exclusion.
//
// The Plan is the search order: failover.Provision walks it from the top.
// Unlike SkyPilot, which keeps only the cheapest instance type per cloud,
// Rank keeps every fitting offering, so that a stockout of the cheapest type
// falls through to the next one.
package optimizer
