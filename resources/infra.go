package resources

import (
	"slices"
	"strings"

	"github.com/skyhop/skyhop/internal/suggest"
)

// Clouds lists the cloud names SkyPilot's grammar accepts in cloud: and as
// the first part of infra: (canonical names, lower case).
var Clouds = []string{
	"aws", "azure", "gcp", "ibm", "lambda", "scp", "oci", "kubernetes", "runpod", "vast",
	"vsphere", "cudo", "fluidstack", "paperspace", "primeintellect", "do", "nebius", "ssh",
	"slurm", "hyperbolic", "seeweb", "shadeform", "yotta", "mithril", "verda",
}

// cloudAliases are the extra spellings infra: accepts (not cloud:).
var cloudAliases = map[string]string{"k8s": "kubernetes", "digitalocean": "do"}

// isCloud reports whether name (lower case) is a canonical cloud name.
func isCloud(name string) bool { return slices.Contains(Clouds, name) }

// infraValue is a parsed infra: string.
type infraValue struct {
	raw                 string
	cloud, region, zone string
}

// parseInfra parses "cloud[/region[/zone]]" with "*" wildcards,
// "k8s[/context]" and "ssh/<pool>". It returns a message (and suggestions)
// when the string is not valid.
func parseInfra(s string) (infraValue, string, []string) {
	v := infraValue{raw: s}
	if strings.TrimSpace(s) != s || s == "" {
		return v, "infra must be a non-empty string without surrounding spaces", nil
	}
	head, rest, hasRest := strings.Cut(s, "/")
	cloud := strings.ToLower(head)
	if a, ok := cloudAliases[cloud]; ok {
		cloud = a
	}
	if hasRest && rest == "" {
		return v, "infra must not end with '/'", nil
	}
	switch {
	case cloud == "*":
		cloud = ""
	case cloud == "kubernetes":
		// Everything after the first slash is the context, which may
		// itself contain slashes and colons.
		v.cloud = cloud
		if rest != "*" {
			v.region = rest
		}
		return v, "", nil
	case cloud == "ssh":
		if !hasRest || strings.Contains(rest, "/") {
			return v, "infra for ssh is ssh/<pool>", nil
		}
		v.cloud, v.region = cloud, "ssh-"+rest
		return v, "", nil
	case !isCloud(cloud):
		names := append(slices.Clone(Clouds), "k8s")
		return v, "unknown cloud " + quote(head) + " in infra", suggest.Closest(head, names, 1, 0.5)
	}
	v.cloud = cloud
	if !hasRest {
		return v, "", nil
	}
	parts := strings.Split(rest, "/")
	if len(parts) > 2 {
		return v, "infra has at most three parts, cloud/region/zone", nil
	}
	for _, p := range parts {
		if p == "" {
			return v, "infra must not contain an empty part ('//')", nil
		}
		if strings.ContainsFunc(p, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return v, "infra parts must not contain spaces or control characters", nil
		}
	}
	if parts[0] != "*" {
		v.region = parts[0]
	}
	if len(parts) == 2 && parts[1] != "*" {
		v.zone = parts[1]
	}
	return v, "", nil
}

func quote(s string) string { return "'" + s + "'" }

// ParseInfra parses an infra string ("aws", "gcp/us-central1",
// "aws/*/us-east-1a", "k8s/my-context", "ssh/pool") into its cloud, region
// and zone, "" for any part left open; it is what a launcher's --infra flag
// needs. Errors are *Error values with Path "infra".
func ParseInfra(s string) (cloud, region, zone string, err error) {
	v, msg, sugg := parseInfra(s)
	if msg != "" {
		return "", "", "", &Error{Path: "infra", Code: CodeValue, Msg: msg, Suggestions: sugg,
			Hint: "write cloud[/region[/zone]] with * for any part, k8s[/context] or ssh/<pool>"}
	}
	return v.cloud, v.region, v.zone, nil
}

// SetLocation pins every candidate to cloud, region and zone ("" for any),
// replacing what the task wrote, as sky launch --infra does. infra is kept
// on the candidates for display ("" when the location came from legacy
// flags).
func (s *Spec) SetLocation(infra, cloud, region, zone string) {
	for i := range s.Candidates {
		c := &s.Candidates[i]
		c.Infra, c.Cloud, c.Region, c.Zone = infra, cloud, region, zone
	}
}
