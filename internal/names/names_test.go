package names

import (
	"regexp"
	"strings"
	"testing"
)

func TestNode(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z][-a-z0-9]*[a-z0-9]$`)
	for _, tc := range []struct {
		cluster string
		max     int
		prefix  string
	}{
		{"skyhop-1a2b3c4d", 63, "skyhop-1a2b3c4d-"},
		{"My_Cluster.v2", 63, "my-cluster-v2-"},
		{"9lives", 63, "s9lives-"},
		{"", 63, "s-"},
		{strings.Repeat("x", 100), 64, strings.Repeat("x", 64-len("-00000000-0")) + "-"},
		{"trailing--------------------------------------------------------dash", 63, ""},
	} {
		got := Node(tc.cluster, "tok", 0, tc.max)
		if len(got) > tc.max || !valid.MatchString(got) || !strings.HasPrefix(got, tc.prefix) || !strings.HasSuffix(got, "-"+TokenHash("tok")+"-0") {
			t.Errorf("Node(%q, max %d) = %q (%d chars)", tc.cluster, tc.max, got, len(got))
		}
	}
	if Node("c", "a", 0, 63) == Node("c", "b", 0, 63) || Node("c", "a", 0, 63) != Node("c", "a", 0, 63) {
		t.Error("names must differ per token and repeat for the same token")
	}
	if h := TokenHash("x"); len(h) != 8 {
		t.Errorf("TokenHash = %q", h)
	}
}
