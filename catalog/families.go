package catalog

import (
	"slices"
	"sort"
	"strings"
)

// defaultFamilies are SkyPilot's default general-purpose instance families
// per cloud: where a request with no accelerator, instance type, cpus or
// memory lands (with 8+ vCPUs and 4 GiB per vCPU). From SkyPilot's
// aws_catalog.py, gcp_catalog.py and azure_catalog.py.
var defaultFamilies = map[string][]string{
	"aws":   {"c6i", "c6id", "c7i", "m6i", "m6id", "m7i", "r6i", "r6id", "r7i"},
	"gcp":   {"n2-highcpu", "n2-highmem", "n2-standard", "n4-highcpu", "n4-highmem", "n4-standard"},
	"azure": {"Ds_v5", "Es_v5", "Fs_v2"},
}

// DefaultFamilies returns SkyPilot's default general-purpose instance
// families of cloud (as InstanceFamily spells them), sorted; nil for a
// cloud without defaults. A CPU-only request that names no instance type,
// cpus or memory is placed on these, with at least 8 vCPUs and 4 GiB per
// vCPU.
func DefaultFamilies(cloud string) []string {
	return slices.Clone(defaultFamilies[strings.ToLower(cloud)])
}

// IsDefaultFamily reports whether instanceType belongs to one of cloud's
// DefaultFamilies.
func IsDefaultFamily(cloud, instanceType string) bool {
	return slices.Contains(defaultFamilies[strings.ToLower(cloud)], InstanceFamily(cloud, instanceType))
}

// InstanceFamily returns the family of an instance type as SkyPilot names
// it: AWS "m6i" for "m6i.2xlarge"; GCP "n2-standard" for "n2-standard-8";
// Azure "Ds_v5" for "Standard_D8s_v5" (letters + what follows the vCPU
// count; "_Promo" dropped; a constrained-vCPU size "Standard_E8-4s_v5" is
// "E_s_v5"). Other clouds: the part before the first "." or the last "-".
func InstanceFamily(cloud, instanceType string) string {
	switch strings.ToLower(cloud) {
	case "azure":
		s := strings.TrimPrefix(instanceType, "Standard_")
		s = strings.TrimSuffix(s, "_Promo")
		i := 0
		for i < len(s) && (s[i] < '0' || s[i] > '9') {
			i++
		}
		letters := s[:i]
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j < len(s) && s[j] == '-' {
			k := j + 1
			for k < len(s) && s[k] >= '0' && s[k] <= '9' {
				k++
			}
			return letters + "_" + s[k:]
		}
		return letters + s[j:]
	case "gcp":
		if i := strings.LastIndexByte(instanceType, '-'); i > 0 {
			return instanceType[:i]
		}
		return instanceType
	}
	if i := strings.IndexByte(instanceType, '.'); i > 0 {
		return instanceType[:i]
	}
	if i := strings.LastIndexByte(instanceType, '-'); i > 0 {
		return instanceType[:i]
	}
	return instanceType
}

// ByInstanceTypePrefix returns the offerings of cloud whose instance type
// starts with prefix (case-sensitive: "m6i.", "n2-standard-",
// "Standard_NC"), in location order. Instance types sort by name, so the
// result is one shared sub-slice: do not modify it.
func (c *Catalog) ByInstanceTypePrefix(cloud, prefix string) []*Offering {
	ci := c.cloudOf(cloud)
	if ci == nil {
		return nil
	}
	lo := sort.SearchStrings(ci.types, prefix)
	hi := lo
	for hi < len(ci.types) && strings.HasPrefix(ci.types[hi], prefix) {
		hi++
	}
	return ci.offerings(lo, hi)
}
