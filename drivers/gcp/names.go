package gcp

import (
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/skyhop/skyhop/internal/names"
)

// Label keys the driver sets on every instance.
const (
	// ClusterLabel holds the cluster name (sanitised with LabelValue).
	ClusterLabel = "skyhop-cluster"
	// TokenLabel holds a hash of the launch's idempotency token.
	TokenLabel = "skyhop-token"
)

// requestIDSpace is the UUID namespace of the requestIds derived from
// tokens (a fixed, arbitrary UUID: changing it changes every derived id).
var requestIDSpace = uuid.MustParse("6f1c2a0e-8d4b-4c55-9a7e-3b2f1d0c9e8a")

// LabelValue sanitises s for a GCE label value: lower case, characters
// other than [-_a-z0-9] replaced by '-', at most 63 characters.
func LabelValue(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
		if b.Len() == 63 {
			break
		}
	}
	return b.String()
}

// labelKey sanitises s for a GCE label key: like LabelValue, and starting
// with a lower-case letter ("x" is prefixed otherwise).
func labelKey(s string) string {
	v := LabelValue(s)
	if v == "" || v[0] < 'a' || v[0] > 'z' {
		v = "x" + v
	}
	if len(v) > 63 {
		v = v[:63]
	}
	return v
}

// InstanceName returns the name of node i of a launch: the sanitised
// cluster name, a hash of the token and the index, within GCE's rule
// `[a-z]([-a-z0-9]{0,61}[a-z0-9])?`.
func InstanceName(cluster, token string, i int) string { return names.Node(cluster, token, i, 63) }

// RequestID returns the requestId of node i's insert: a UUID (GCE requires
// one) derived from the token, so a retried call is deduplicated by GCE.
func RequestID(token string, i int) string {
	return uuid.NewSHA1(requestIDSpace, []byte(token+"/"+strconv.Itoa(i))).String()
}
