package catalog

import (
	"time"
)

// Source says where a catalog's data comes from: plans and launchers show it
// so that a user knows how old the prices are.
type Source struct {
	// Name names the data ("skyhop embedded snapshot (AWS, GCP, Azure)",
	// or the file a table was loaded from).
	Name string `json:"name"`
	// Date is when the data was taken (UTC, day precision); zero when
	// unknown.
	Date time.Time `json:"date,omitzero"`
	// Attribution credits the data's origin (repositories, commits,
	// licences).
	Attribution string `json:"attribution,omitempty"`
}

// String renders "name (as of 2006-01-02)", or the name alone when the date
// is unknown.
func (s Source) String() string {
	name := s.Name
	if name == "" {
		name = "unnamed catalog"
	}
	if s.Date.IsZero() {
		return name
	}
	return name + " (as of " + s.Date.Format(time.DateOnly) + ")"
}
