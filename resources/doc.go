// Package resources parses the resources: section of a task YAML, in
// SkyPilot's grammar, into a Spec: the candidates a job may run on.
//
// A user's existing SkyPilot task file parses unchanged:
//
//	num_nodes: 2
//	resources:
//	  cpus: 16+
//	  use_spot: true
//	  any_of:
//	    - infra: gcp
//	      accelerators: H100:8
//	    - infra: aws/us-east-1
//	      accelerators: A100-80GB:8
//
// Parse returns a Spec with one Resources per candidate. The top-level
// fields are inherited by every any_of/ordered entry (an entry's key replaces
// the top-level value; labels merge key by key), and the multi-accelerator
// forms expand into candidates:
//
//   - accelerators: A100:8 — one candidate;
//   - accelerators: {A10:1, L4:1} (or a mapping, or any_of) — a set:
//     Spec.Ordered is false and the cheapest candidate wins;
//   - accelerators: [H100:8, A100:8] (or ordered) — a preference order:
//     Spec.Ordered is true.
//
// # Fields
//
// infra (cloud[/region[/zone]], * for any part, k8s[/context],
// ssh/<pool>) or the legacy cloud, region and zone (not both); instance_type;
// accelerators or its alias gpus (NAME, NAME:COUNT with fractional counts,
// memory selectors such as 80GB+:8, sets, lists); accelerator_args; cpus and
// memory (N, N+, units such as 32GB, and Nx for memory per vCPU); use_spot;
// disk_size (GiB or with a unit, a whole positive number of GiB); disk_tier;
// network_tier; ports (merged and sorted into ranges); image_id (a string or a
// region → image mapping); labels; max_hourly_cost; and num_nodes at the task
// level. The fields only SkyPilot's own cluster runtime uses — job_recovery,
// autostop, priority, priority_class, volumes, local_disk, ephemeral_storage
// — are parsed, validated and kept on the candidate, but skyhop does not act
// on them.
//
// Checks that need no catalog happen here: types, values, unknown keys (with
// a did-you-mean), conflicting fields, the TPU rules, image_id needing a
// cloud. Checks that need the catalog (does this accelerator, region, zone or
// instance type exist?) belong to optimizer.Rank, which reports them as plan
// rejections with suggestions.
//
// # Differences from SkyPilot
//
//   - YAML is read as PyYAML reads it where users would notice: use_spot: yes
//     is true. Duplicate keys are an error naming both positions (PyYAML
//     keeps the last silently). YAML merge keys (<<: *defaults) work.
//   - disk_size <= 0 is rejected (SkyPilot lets it through to the cloud).
//   - labels merge per candidate, as documented by SkyPilot (its code shares
//     one map between candidates).
//   - job_recovery strategies are checked at parse time.
//   - Accelerator counts that are not finite (inf, nan) are rejected.
//   - Every problem in a document is reported, each with line, column and
//     field path; the input is limited to MaxInputSize, and alias bombs and
//     cyclic aliases end in a clean error.
//
// # Errors
//
// A single problem is returned as an *Error, several as an ErrorList; use
// Errors to get them either way. Each carries Pos (line:column), Path
// ("resources.any_of[1].cpus"), a Code for programs, a message that says what
// is wrong and a hint that says what is accepted.
package resources
