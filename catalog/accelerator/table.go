package accelerator

// The static table of well-known accelerators: every name in skyhop's
// embedded catalog (AWS, GCP, Azure GPUs and other accelerators) plus the
// common names SkyPilot users write. TPU slices are not listed one by one:
// IsTPU recognises them and the catalog registers the slices it sells.
//
// Memory is per device, in GiB, from the vendors' data sheets (and, for AWS,
// DescribeInstanceTypes' GpuInfo).
var table = []Info{
	// NVIDIA data-centre GPUs.
	{Name: "A10", Manufacturer: "NVIDIA", MemoryGiB: 24},
	{Name: "A10G", Manufacturer: "NVIDIA", MemoryGiB: 24},
	{Name: "A16", Manufacturer: "NVIDIA", MemoryGiB: 16},
	{Name: "A30", Manufacturer: "NVIDIA", MemoryGiB: 24},
	{Name: "A40", Manufacturer: "NVIDIA", MemoryGiB: 48},
	{Name: "A100", Manufacturer: "NVIDIA", MemoryGiB: 40, Aliases: []string{"A100-40GB"}},
	{Name: "A100-80GB", Manufacturer: "NVIDIA", MemoryGiB: 80},
	{Name: "B200", Manufacturer: "NVIDIA", MemoryGiB: 180},
	{Name: "B300", Manufacturer: "NVIDIA", MemoryGiB: 268},
	{Name: "GB200", Manufacturer: "NVIDIA", MemoryGiB: 186},
	{Name: "GH200", Manufacturer: "NVIDIA", MemoryGiB: 96},
	{Name: "H100", Manufacturer: "NVIDIA", MemoryGiB: 80, Aliases: []string{"H100-80GB"}},
	{Name: "H100-MEGA", Manufacturer: "NVIDIA", MemoryGiB: 80},
	{Name: "H200", Manufacturer: "NVIDIA", MemoryGiB: 141},
	{Name: "K80", Manufacturer: "NVIDIA", MemoryGiB: 12},
	{Name: "L4", Manufacturer: "NVIDIA", MemoryGiB: 24},
	{Name: "L40", Manufacturer: "NVIDIA", MemoryGiB: 48},
	{Name: "L40S", Manufacturer: "NVIDIA", MemoryGiB: 48},
	{Name: "M60", Manufacturer: "NVIDIA", MemoryGiB: 8},
	{Name: "P4", Manufacturer: "NVIDIA", MemoryGiB: 8},
	{Name: "P40", Manufacturer: "NVIDIA", MemoryGiB: 24},
	{Name: "P100", Manufacturer: "NVIDIA", MemoryGiB: 16},
	{Name: "T4", Manufacturer: "NVIDIA", MemoryGiB: 16},
	{Name: "T4g", Manufacturer: "NVIDIA", MemoryGiB: 16},
	{Name: "V100", Manufacturer: "NVIDIA", MemoryGiB: 16},
	{Name: "V100-32GB", Manufacturer: "NVIDIA", MemoryGiB: 32},
	// NVIDIA workstation GPUs.
	{Name: "A6000", Manufacturer: "NVIDIA", MemoryGiB: 48, Aliases: []string{"RTXA6000"}},
	{Name: "RTX4090", Manufacturer: "NVIDIA", MemoryGiB: 24},
	{Name: "RTX6000", Manufacturer: "NVIDIA", MemoryGiB: 24},
	{Name: "RTX PRO 4500", Manufacturer: "NVIDIA", MemoryGiB: 32},
	{Name: "RTXPRO6000", Manufacturer: "NVIDIA", MemoryGiB: 96, Aliases: []string{"RTX PRO 6000", "RTX PRO Server 6000"}},
	// AMD GPUs.
	{Name: "MI25", Manufacturer: "AMD", MemoryGiB: 16},
	{Name: "MI300X", Manufacturer: "AMD", MemoryGiB: 192},
	{Name: "Radeon Pro V520", Manufacturer: "AMD", MemoryGiB: 8, Aliases: []string{"V520"}},
	// Other accelerators.
	{Name: "Gaudi HL-205", Manufacturer: "Intel", MemoryGiB: 32, Kind: Other},
	{Name: "Inferentia", Manufacturer: "AWS", MemoryGiB: 8, Kind: Other},
	{Name: "Inferentia2", Manufacturer: "AWS", MemoryGiB: 32, Kind: Other},
	{Name: "Trainium", Manufacturer: "AWS", MemoryGiB: 32, Kind: Other},
	{Name: "Trainium2", Manufacturer: "AWS", MemoryGiB: 96, Kind: Other},
	{Name: "Virtex UltraScale+ (VU47P)", Manufacturer: "Xilinx", MemoryGiB: 16, Kind: Other, Aliases: []string{"VU47P"}},
	{Name: "Virtex UltraScale (VU9P)", Manufacturer: "Xilinx", MemoryGiB: 64, Kind: Other, Aliases: []string{"VU9P"}},
	{Name: "Alveo U250", Manufacturer: "Xilinx", MemoryGiB: 64, Kind: Other, Aliases: []string{"U250"}},
	{Name: "AI100", Manufacturer: "Qualcomm", MemoryGiB: 16, Kind: Other, Aliases: []string{"Qualcomm AI 100", "Cloud AI 100"}},
}

var std = MustRegistry(table...)

// Default returns the registry of the static table.
func Default() *Registry { return std }

// Lookup is Default().Lookup.
func Lookup(name string) (Info, bool) { return std.Lookup(name) }

// Canonical is Default().Canonical.
func Canonical(name string) string { return std.Canonical(name) }

// Resolve is Default().Resolve.
func Resolve(name string) (Info, error) { return std.Resolve(name) }

// Suggest is Default().Suggest.
func Suggest(name string, n int) []string { return std.Suggest(name, n) }
