// Package catalog holds skyhop's offerings: every way to buy an instance
// type of AWS, GCP or Azure in a region or zone, with its hardware and its
// on-demand and spot price, and the queries the optimizer ranks them with.
//
// # Catalogs
//
// A *Catalog is an immutable, indexed set of Offering values, safe for
// concurrent use. Get one from
//
//   - Default: the snapshot embedded in the package (SkyPilot's v8 tables of
//     AWS, GCP and Azure; Source says where from and how old), decoded on
//     first use, once;
//   - Load or LoadFile: a user's own table in SkyPilot's v8 vms.csv schema,
//     one cloud per table; errors name the line and column;
//   - New: offerings built in code (tests, fakes, examples);
//   - Merge: one cloud from each of several catalogs (the snapshot, with the
//     user's own AWS table, say);
//   - Catalog.Apply: the same offerings with price overlays (WithDiscount,
//     WithPriceRules) for negotiated prices.
//
// # Queries
//
// Queries return sub-slices of shared, precomputed orderings: nothing is
// copied per query, look-ups take tens of nanoseconds, and callers must not
// modify what they get. ByAccelerator and ByAcceleratorCount (count within
// CountTolerance, so 0.33 finds Azure's 0.333 A10) serve GPU requests;
// CPUOnly serves CPU-only requests; ByCloud and ByInstanceType serve pinned
// clouds and types. Regions, Zones, Region (case-insensitive, returns the
// catalog's spelling), HasZone (case-sensitive) and ZoneRegion answer where
// questions; PricedPerRegion tells a cloud whose offerings carry no zone
// (Azure). Registry resolves accelerator names (aliases, did-you-mean,
// ambiguity) over every name in the data, TPU slices included.
//
// # The data and its quirks
//
// One Offering per (cloud, instance type, region, zone, accelerators); zone
// "" where the cloud prices per region. Prices are USD per hour; 0 means
// not sold that way or unknown. Flags mark the quirks:
//
//   - GCP GPU VMs are composed as SkyPilot composes them: an
//     accelerator-optimized type (a2-highgpu-1g = A100×1, a3-highgpu-8g =
//     H100×8, a3-megagpu-8g = H100-MEGA×8, a3-ultragpu-8g = H200×8,
//     a4-highgpu-8g = B200×8, g2-standard-* = L4) is priced host row +
//     accelerator row of its zone; an attachable GPU (T4, V100, P100, P4,
//     K80) rides on every n1-standard/highmem/highcpu host of its zone that
//     has at least SkyPilot's default vCPUs for the GPU count (T4:1 → 4,
//     V100:1 → 8, …) and 4 GiB per such vCPU, within Google's per-GPU
//     limits, priced host + GPU bundle. Both are FlagComposed; in each zone
//     and accelerator count the cheapest host is SkyPilot's default and the
//     others are FlagAlternative (as are the A3 variants a3-edgegpu-8g and
//     *-nolssd where a3-highgpu-8g / a3-ultragpu-8g is offered), to be
//     considered only when a request sizes cpus or memory or names the type.
//     TPU slices are their own offerings, instance type TPUInstanceType.
//   - An offering with no price at all is kept and flagged FlagNoPrice
//     (AWS rows with empty prices; a3-megagpu-8g in zones without an
//     H100-MEGA price); spot above on-demand is kept as published and
//     flagged FlagSpotAboveOnDemand.
//   - Fractional accelerators are real counts: Azure's NV*ads_A10_v5 carry
//     0.167, 0.333 or 0.5 A10, AWS g6f/gr6f 0.125 to 0.5 L4.
//   - AWS zones are zone IDs ("use1-az4"), the same in every account; a
//     driver that knows the account's mapping translates them to names.
//     Local Zones are FlagLocalZone.
//   - Exact duplicate rows (GCP TPU slices) are dropped; rows that share a
//     key but differ are an error.
//   - Accelerators a table leaves unnamed are named: dl2q.24xlarge carries 8
//     Qualcomm AI100, Azure NP sizes Xilinx Alveo U250 FPGAs.
//
// # The embedded snapshot
//
// data/offerings.bin is written by catalog/internal/gen (go generate
// ./catalog) from the CSV tables; data/source.json and data/README.md keep
// its source, date and attribution. It is split into sections: the
// offerings with accelerators, and the CPU-only offerings of each cloud
// (nine in ten of the snapshot, mostly Azure and GCP CPU VMs). Default
// decodes the first and indexes the others from their summaries, in a few
// milliseconds; a cloud's CPU-only offerings are decoded on first need,
// once: by CPUOnly and All (every cloud), and by ByCloud, ByInstanceType
// and ByInstanceTypePrefix (that cloud) when the answer holds CPU-only
// offerings. GPU queries never pay for them. A slice a query has returned
// never changes afterwards.
package catalog
