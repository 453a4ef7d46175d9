// Package names derives the deterministic resource names and token hashes
// the GCP and Azure drivers give the machines of a launch, so that a retried
// create finds the same names and an orphan sweep can match them.
package names

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// TokenHash is the short hash of an idempotency token used in names, labels
// and tags: 8 lower-case hex digits.
func TokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:4])
}

// Node returns the name of node i of a launch: the cluster name lower-cased
// with every character outside [a-z0-9] turned into '-', a letter prepended
// when it does not start with one, cut so that the whole name fits maxLen,
// then "-" + TokenHash(token) + "-" + i. The result matches
// [a-z][-a-z0-9]*[a-z0-9], the rule of GCE instance and Azure VM names.
func Node(cluster, token string, i, maxLen int) string {
	suffix := "-" + TokenHash(token) + "-" + strconv.Itoa(i)
	var b strings.Builder
	for _, r := range strings.ToLower(cluster) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	prefix := b.String()
	if prefix == "" || prefix[0] < 'a' || prefix[0] > 'z' {
		prefix = "s" + prefix
	}
	if m := maxLen - len(suffix); len(prefix) > m {
		prefix = prefix[:max(m, 1)]
	}
	return strings.TrimRight(prefix, "-") + suffix
}
