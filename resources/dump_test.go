package resources

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// dump renders every set field of a candidate in a fixed order, so tests
// compare candidates field by field in one readable string.
func dump(r Resources) string {
	var f []string
	add := func(k string, v any) { f = append(f, fmt.Sprintf("%s=%v", k, v)) }
	if r.Cloud != "" {
		add("cloud", r.Cloud)
	}
	if r.Region != "" {
		add("region", r.Region)
	}
	if r.Zone != "" {
		add("zone", r.Zone)
	}
	if r.Infra != "" {
		add("infra", r.Infra)
	}
	if r.InstanceType != "" {
		add("type", r.InstanceType)
	}
	if r.Accelerator != nil {
		add("acc", r.Accelerator.String())
	}
	if a := r.AcceleratorArgs; a != nil {
		s := "rv:" + a.RuntimeVersion
		if a.TPUName != "" {
			s += ",name:" + a.TPUName
		}
		if a.TPUVM != nil {
			s += fmt.Sprintf(",vm:%v", *a.TPUVM)
		}
		if a.GCPQueuedResource != nil {
			s += fmt.Sprintf(",queued:%v", *a.GCPQueuedResource)
		}
		add("args", "{"+s+"}")
	}
	if r.CPUs.IsSet() {
		add("cpus", r.CPUs.String())
	}
	if r.Memory.IsSet() {
		add("mem", r.Memory.String())
	}
	if r.UseSpotSet {
		add("spot", r.UseSpot)
	}
	if r.DiskSizeGiB != 0 {
		add("disk", r.DiskSizeGiB)
	}
	if r.DiskTier != "" {
		add("tier", r.DiskTier)
	}
	if r.NetworkTier != "" {
		add("net", r.NetworkTier)
	}
	if len(r.Ports) > 0 {
		var ps []string
		for _, p := range r.Ports {
			ps = append(ps, p.String())
		}
		add("ports", strings.Join(ps, ","))
	}
	if r.ImageID != nil {
		add("image", mapString(r.ImageID))
	}
	if r.Labels != nil {
		add("labels", mapString(r.Labels))
	}
	if r.MaxHourlyCost != 0 {
		add("maxcost", r.MaxHourlyCost)
	}
	if j := r.JobRecovery; j != nil {
		add("recovery", fmt.Sprintf("{%s,off:%v,max:%d,codes:%v}", j.Strategy, j.Disabled, j.MaxRestartsOnErrors, j.RecoverOnExitCodes))
	}
	if a := r.Autostop; a != nil {
		add("autostop", fmt.Sprintf("{off:%v,idle:%d,down:%v,wait:%s,hook:%s,timeout:%d}", a.Disabled, a.IdleMinutes, a.Down, a.WaitFor, a.Hook, a.HookTimeout))
	}
	if r.Priority != nil {
		add("prio", *r.Priority)
	}
	if r.PriorityClass != "" {
		add("pclass", r.PriorityClass)
	}
	if r.Volumes != nil {
		add("volumes", fmt.Sprint(r.Volumes))
	}
	if l := r.LocalDisk; l != nil {
		add("localdisk", fmt.Sprintf("%s:%v:%v", l.Type, l.SizeGiB, l.AtLeast))
	}
	if r.EphemeralStorageGiB != 0 {
		add("eph", r.EphemeralStorageGiB)
	}
	if len(f) == 0 {
		return "-"
	}
	return strings.Join(f, " ")
}

func mapString(m map[string]string) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ":" + m[k]
	}
	return "{" + strings.Join(parts, ",") + "}"
}
