package optimizer

// The reasons a Rejection may carry. They are stable strings, for programs
// that react to them; the Rejection's Message is for people.
const (
	// Entry-level: the spec entry cannot match anything in the catalog.
	ReasonUnknownCloud          Reason = "unknown_cloud"           // the catalog has no offering of the pinned cloud
	ReasonCloudDisabled         Reason = "cloud_disabled"          // the cloud is not enabled (WithClouds)
	ReasonCloudAmbiguous        Reason = "cloud_ambiguous"         // several clouds have the region/zone/instance type and none is pinned
	ReasonUnknownRegion         Reason = "unknown_region"          // no enabled cloud has the region
	ReasonUnknownZone           Reason = "unknown_zone"            // no enabled cloud has the zone
	ReasonZoneNotInRegion       Reason = "zone_not_in_region"      // the zone belongs to another region
	ReasonZonesUnsupported      Reason = "zones_unsupported"       // the cloud prices per region and takes no zone
	ReasonUnknownInstanceType   Reason = "unknown_instance_type"   // the instance type does not exist in the catalog
	ReasonUnknownAccelerator    Reason = "unknown_accelerator"     // the accelerator name is not known
	ReasonAmbiguousAccelerator  Reason = "ambiguous_accelerator"   // the name is part of several accelerator names
	ReasonAcceleratorNotOffered Reason = "accelerator_not_offered" // known, but no offering sells it
	ReasonAcceleratorCount      Reason = "accelerator_count"       // no offering has that many

	// Offering-level: offerings that were considered and left out,
	// counted per entry.
	ReasonInstanceTypeMismatch Reason = "instance_type_mismatch" // the instance type lacks the requested accelerators, cpus or memory
	ReasonNotInLocation        Reason = "not_in_location"        // offered, but not in the pinned region/zone
	ReasonTooSmall             Reason = "too_small"              // fewer vCPUs or less memory than requested
	ReasonAlternativeHost      Reason = "alternative_host"       // a larger host for the same GPUs; name an instance type or size cpus/memory to consider it
	ReasonImageRegion          Reason = "image_region"           // image_id maps no image to this region
	ReasonNoSpotPrice          Reason = "no_spot_price"          // use_spot, but no spot price
	ReasonNoPrice              Reason = "no_price"               // on-demand, but no on-demand price
	ReasonOverMaxHourlyCost    Reason = "over_max_hourly_cost"   // above the entry's max_hourly_cost (per node)
	ReasonOverPriceCap         Reason = "over_price_cap"         // total above WithMaxPrice
	ReasonExcluded             Reason = "excluded"               // hidden by the WithExclude hook (the availability store)
	ReasonDuplicate            Reason = "duplicate"              // the same placement is already planned for an earlier entry
	ReasonLimit                Reason = "limit"                  // cut by WithLimit
)
