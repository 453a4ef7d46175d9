package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

func runArgs(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestShowGPUs(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string // in stdout
		stderr   string
		absent   []string
	}{
		{"overview", nil, 0, []string{"GPU ", "A10G ", "OTHER_ACCELERATOR", "tpu-v5p ", "Catalog: skyhop embedded snapshot", "2026-05-20"}, "", nil},
		{"overview one cloud", []string{"--cloud", "azure"}, 0, []string{"MI300X", "Catalog:"}, "", []string{"A10G", "tpu-"}},
		{"A100:8", []string{"A100:8"}, 0, []string{"p4d.24xlarge", "Standard_ND96asr_v4", "a2-highgpu-8g", "$19.422", "europe-west4/europe-west4-a", "Catalog:"}, "", []string{"p4de"}},
		{"flags after the name", []string{"a10g", "--cloud", "aws", "--region", "US-EAST-1"}, 0, []string{"g5.xlarge", "A10G:1", "us-east-1/"}, "", []string{"us-west-2/"}},
		{"fractional", []string{"A10:0.5"}, 0, []string{"Standard_NV18ads_A10_v5"}, "", []string{"Standard_NV36ads_A10_v5"}},
		{"all regions", []string{"L4:1", "--cloud", "gcp", "--all-regions"}, 0, []string{"REGION", "g2-standard-4", "us-central1 "}, "", []string{"g2-standard-8"}},
		{"alternatives", []string{"T4:1", "--cloud", "gcp", "--alternatives"}, 0, []string{"n1-highmem-4", "n1-standard-8"}, "", nil},
		{"ambiguous", []string{"H10"}, 1, nil, `ambiguous; choose one of "H100", "H100-MEGA"`, nil},
		{"unknown", []string{"A100x"}, 1, nil, `did you mean "A100"`, nil},
		{"no such count", []string{"A100:3"}, 1, nil, "counts offered: 1, 2, 4, 8, 16", nil},
		{"bad count", []string{"A100:x"}, 2, nil, "not a positive number", nil},
		{"bad cloud", []string{"--cloud", "ibm"}, 2, nil, "unknown cloud", nil},
		{"bad region", []string{"--region", "us-centrl1"}, 2, nil, "did you mean us-central1", nil},
		{"two names", []string{"A100", "H100"}, 2, nil, "one accelerator at a time", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runArgs(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code, errOut)
			}
			for _, s := range tt.contains {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(out, s) {
					t.Errorf("stdout has %q:\n%s", s, out)
				}
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.stderr)
			}
		})
	}
}

func TestShowGPUsJSONAndCSV(t *testing.T) {
	out, _, code := runArgs(t, "H100:8", "--json")
	if code != 0 {
		t.Fatal(code)
	}
	var doc struct {
		Accelerator string
		Count       float64
		Offerings   []row
		Catalog     struct{ Name, Date string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Accelerator != "H100" || doc.Count != 8 || len(doc.Offerings) < 3 || !strings.HasPrefix(doc.Catalog.Date, "2026-05-20") {
		t.Errorf("JSON %+v", doc)
	}
	for _, r := range doc.Offerings {
		if r.AcceleratorCount != 8 || r.Accelerator != "H100" || r.Price <= 0 || r.PriceWhere == "" {
			t.Errorf("row %+v", r)
		}
	}
	again, _, _ := runArgs(t, "H100:8", "--json")
	if again != out {
		t.Error("output is not deterministic")
	}

	out, _, code = runArgs(t, "--csv")
	if code != 0 {
		t.Fatal(code)
	}
	r := csv.NewReader(strings.NewReader(out))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][0] != "name" || len(recs) < 30 || !strings.Contains(out, "\n# Catalog: ") {
		t.Errorf("CSV: %d records, header %v", len(recs), recs[0])
	}
	if _, _, code := runArgs(t, "--json", "--csv"); code != 2 {
		t.Error("--json --csv accepted")
	}
}

func TestParseRequest(t *testing.T) {
	tests := []struct {
		in    string
		name  string
		count float64
		ok    bool
	}{
		{"A100:8", "A100", 8, true},
		{"a10:0.5", "a10", 0.5, true},
		{"tpu-v5p-8", "tpu-v5p-8", 0, true},
		{" H100 : 2 ", "H100", 2, true},
		{":8", "", 0, false},
		{"A100:0", "", 0, false},
		{"A100:-1", "", 0, false},
		{"A100:NaN", "", 0, false},
	}
	for _, tt := range tests {
		name, count, err := parseRequest(tt.in)
		if (err == nil) != tt.ok || name != tt.name || count != tt.count {
			t.Errorf("parseRequest(%q) = %q, %v, %v", tt.in, name, count, err)
		}
	}
}
