// Package codes holds each cloud's error table: the provider's error code
// (with the HTTP status and a message pattern where the code alone is
// ambiguous) mapped to a drivers.Class and a drivers.Scope.
//
// The tables are plain data with no SDK import, so that the real drivers
// (drivers/aws, drivers/gcp, drivers/azure) and the fake cloud (drivers/fake)
// raise the same class for the same code. A driver extracts the code, status
// and message from its SDK's error (see the comments on AWS, GCP and Azure for
// where each provider puts them) and asks the table:
//
//	class, scope := codes.AWS.Classify("InsufficientInstanceCapacity", 500, msg)
//	// class == drivers.ClassCapacity, scope == drivers.ScopeZone
//
// or builds the classified error in one step with Table.NewError.
//
// The rules every table follows:
//
//   - A row matches when its code equals the given code (exactly, else
//     ignoring case), its HTTPStatus is 0 or equals the given status, and its
//     Message is empty or occurs in the given message (ignoring case). Rows
//     with an empty Code match on the message alone and are tried after every
//     row with a code. The first matching row, in table order, wins; more
//     specific rows come before general ones.
//   - With no matching row the status decides: 401 is ClassPermission at
//     ScopeCloud, 408 and 5xx are ClassTransient, 429 is ClassThrottle.
//     Everything else is ClassUnknown at the table's UnknownScope. An unknown
//     code is never classified as capacity.
//   - Scopes are explicit: Classify never returns ScopeDefault except for the
//     classes whose default is ScopeDefault (throttle, transient), so the
//     scope returned is the effective scope.
//
// Signals that are not error codes (a quota pre-check reading a limit of 0,
// for instance) are not in the tables: the driver reports them as
// ClassQuota/ScopeRegion itself.
package codes

import (
	"strings"

	"github.com/skyhop/skyhop/drivers"
)

// Row is one entry of an error table.
type Row struct {
	// Code is the provider's error code, as the SDK reports it
	// ("InsufficientInstanceCapacity", "ZONE_RESOURCE_POOL_EXHAUSTED",
	// "quotaExceeded", "OperationNotAllowed"). Empty means the row matches
	// on Message alone.
	Code string
	// HTTPStatus, when not 0, restricts the row to responses with that status.
	HTTPStatus int
	// Message, when not empty, restricts the row to messages containing it
	// (case-insensitive).
	Message string
	// Class and Scope are the classification. A zero Scope is filled with
	// Class.DefaultScope() when the table is built.
	Class drivers.Class
	Scope drivers.Scope
	// Meaning says in a few words what the provider means.
	Meaning string
	// Source names where the row comes from (the spec section or report).
	Source string
}

// matches reports whether the row matches the status and message (the code
// has been matched by the caller).
func (r *Row) matches(status int, message string) bool {
	if r.HTTPStatus != 0 && r.HTTPStatus != status {
		return false
	}
	return r.Message == "" || containsFold(message, r.Message)
}

// Table is one cloud's error table. Tables are immutable once built and safe
// for concurrent use.
type Table struct {
	cloud        string
	unknownScope drivers.Scope
	rows         []Row
	byCode       map[string][]int // exact code -> row indices, in table order
	byFold       map[string][]int // lower-cased code -> row indices
	byMessage    []int            // rows with an empty Code
}

// NewTable builds a table for cloud from rows, in priority order. Unknown
// errors (no row matches, no status rule applies) get ClassUnknown at
// unknownScope (ScopeDefault means ScopeZone). Drivers for clouds without a
// table here may build their own with it.
func NewTable(cloud string, unknownScope drivers.Scope, rows []Row) *Table {
	if unknownScope == drivers.ScopeDefault {
		unknownScope = drivers.ScopeZone
	}
	t := &Table{
		cloud:        cloud,
		unknownScope: unknownScope,
		rows:         make([]Row, len(rows)),
		byCode:       make(map[string][]int),
		byFold:       make(map[string][]int),
	}
	copy(t.rows, rows)
	for i := range t.rows {
		r := &t.rows[i]
		if r.Scope == drivers.ScopeDefault {
			r.Scope = r.Class.DefaultScope()
		}
		if r.Code == "" {
			t.byMessage = append(t.byMessage, i)
			continue
		}
		t.byCode[r.Code] = append(t.byCode[r.Code], i)
		lc := strings.ToLower(r.Code)
		t.byFold[lc] = append(t.byFold[lc], i)
	}
	return t
}

// Cloud returns the lower-case cloud name the table serves.
func (t *Table) Cloud() string { return t.cloud }

// UnknownScope returns the scope given to errors the table does not know.
func (t *Table) UnknownScope() drivers.Scope { return t.unknownScope }

// Rows returns a copy of the table's rows, in priority order, with every
// Scope filled in.
func (t *Table) Rows() []Row {
	out := make([]Row, len(t.rows))
	copy(out, t.rows)
	return out
}

// Lookup returns the first row matching code, HTTP status and message, and
// whether there was one. It does not apply the status fallbacks.
func (t *Table) Lookup(code string, httpStatus int, message string) (Row, bool) {
	if code != "" {
		idx, ok := t.byCode[code]
		if !ok {
			idx = t.byFold[strings.ToLower(code)]
		}
		for _, i := range idx {
			if t.rows[i].matches(httpStatus, message) {
				return t.rows[i], true
			}
		}
	}
	if message != "" {
		for _, i := range t.byMessage {
			if t.rows[i].matches(httpStatus, message) {
				return t.rows[i], true
			}
		}
	}
	return Row{}, false
}

// Classify returns the class and effective scope of a provider error given
// its code, HTTP status (0 when unknown) and message.
func (t *Table) Classify(code string, httpStatus int, message string) (drivers.Class, drivers.Scope) {
	if r, ok := t.Lookup(code, httpStatus, message); ok {
		return r.Class, r.Scope
	}
	return t.fallback(httpStatus)
}

// fallback classifies an error no row knows, by its status alone.
func (t *Table) fallback(status int) (drivers.Class, drivers.Scope) {
	switch {
	case status == 401:
		return drivers.ClassPermission, drivers.ScopeCloud
	case status == 429:
		return drivers.ClassThrottle, drivers.ScopeDefault
	case status == 408, status >= 500 && status <= 599:
		return drivers.ClassTransient, drivers.ScopeDefault
	}
	return drivers.ClassUnknown, t.unknownScope
}

// NewError returns a copy of e classified by the table: Class and Scope are
// set from e.Code, e.HTTPStatus and e.Message, and Cloud defaults to the
// table's cloud. The caller fills in the provider's code, status and message,
// the location, the operation and the SDK's error (Err).
func (t *Table) NewError(e drivers.Error) *drivers.Error {
	e.Class, e.Scope = t.Classify(e.Code, e.HTTPStatus, e.Message)
	if e.Cloud == "" {
		e.Cloud = t.cloud
	}
	return &e
}

// For returns the table of cloud ("aws", "gcp", "azure"; case-insensitive),
// or nil when there is none.
func For(cloud string) *Table {
	switch strings.ToLower(cloud) {
	case "aws":
		return AWS
	case "gcp":
		return GCP
	case "azure":
		return Azure
	}
	return nil
}

// Tables returns every table, ordered by cloud name.
func Tables() []*Table { return []*Table{AWS, Azure, GCP} }

// containsFold reports whether substr occurs in s, ignoring ASCII case,
// without allocating.
func containsFold(s, substr string) bool {
	n := len(substr)
	if n == 0 {
		return true
	}
	first := lowerASCII(substr[0])
	for i := 0; i+n <= len(s); i++ {
		if lowerASCII(s[i]) == first && strings.EqualFold(s[i:i+n], substr) {
			return true
		}
	}
	return false
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + ('a' - 'A')
	}
	return b
}
