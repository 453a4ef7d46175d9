package drivers

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Class is the kind of refusal a provider gave. It is a small closed set; the
// failover engine reacts to the class, never to a provider's code.
type Class int

// The classes. The zero value is ClassUnknown, so an error nobody classified
// is never mistaken for a capacity problem.
const (
	// ClassUnknown: an error nobody recognised. The engine moves on to the
	// next candidate without blocking anything beyond this call and keeps
	// the raw text.
	ClassUnknown Class = iota
	// ClassCapacity: the provider has no capacity for this offering right
	// now (a stockout). Next zone.
	ClassCapacity
	// ClassQuota: the account's quota would be exceeded. Next region (or
	// next cloud, for a global quota).
	ClassQuota
	// ClassPermission: the credentials are missing, expired or not allowed
	// to do this. Next cloud.
	ClassPermission
	// ClassUnsupported: the offering does not exist here (instance type not
	// offered in this zone, SKU restricted for this subscription).
	ClassUnsupported
	// ClassInvalid: the request itself is wrong (bad parameter, bad image);
	// it would fail everywhere on this cloud.
	ClassInvalid
	// ClassThrottle: the provider is rate limiting. Retry in place after a
	// backoff.
	ClassThrottle
	// ClassTransient: a server fault or timeout that may pass. Retry in
	// place after a backoff.
	ClassTransient
)

var classNames = [...]string{
	ClassUnknown:     "unknown",
	ClassCapacity:    "capacity",
	ClassQuota:       "quota",
	ClassPermission:  "permission",
	ClassUnsupported: "unsupported",
	ClassInvalid:     "invalid",
	ClassThrottle:    "throttle",
	ClassTransient:   "transient",
}

// Classes lists every class, in declaration order.
func Classes() []Class {
	return []Class{ClassUnknown, ClassCapacity, ClassQuota, ClassPermission,
		ClassUnsupported, ClassInvalid, ClassThrottle, ClassTransient}
}

// String returns the lower-case name of the class ("capacity", "quota", ...).
func (c Class) String() string {
	if c >= 0 && int(c) < len(classNames) {
		return classNames[c]
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

// Retryable reports whether the class is retried in place (throttle and
// transient errors).
func (c Class) Retryable() bool { return c == ClassThrottle || c == ClassTransient }

// MarshalText encodes the class as its name.
func (c Class) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes a class name as written by String.
func (c *Class) UnmarshalText(b []byte) error {
	v, err := ParseClass(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// ParseClass returns the class named s (case-insensitive).
func ParseClass(s string) (Class, error) {
	for i, n := range classNames {
		if strings.EqualFold(n, s) {
			return Class(i), nil
		}
	}
	return ClassUnknown, fmt.Errorf("drivers: unknown error class %q (want one of %s)", s, strings.Join(classNames[:], ", "))
}

// Scope is how far a failure reaches: the location it says something about.
//
// For the resource classes (capacity, quota, unsupported, unknown) a block
// covers only the failed instance type and market at that location; for
// permission and invalid errors it covers everything at that location.
type Scope int

// The scopes. The zero value ScopeDefault means "the class's default"
// (see Class.DefaultScope).
const (
	ScopeDefault Scope = iota
	// ScopeZone: this zone (the region, for a cloud priced per region).
	ScopeZone
	// ScopeRegion: the whole region.
	ScopeRegion
	// ScopeCloud: every region of the cloud.
	ScopeCloud
)

var scopeNames = [...]string{
	ScopeDefault: "default",
	ScopeZone:    "zone",
	ScopeRegion:  "region",
	ScopeCloud:   "cloud",
}

// String returns the lower-case name of the scope.
func (s Scope) String() string {
	if s >= 0 && int(s) < len(scopeNames) {
		return scopeNames[s]
	}
	return fmt.Sprintf("Scope(%d)", int(s))
}

// MarshalText encodes the scope as its name.
func (s Scope) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a scope name as written by String.
func (s *Scope) UnmarshalText(b []byte) error {
	for i, n := range scopeNames {
		if strings.EqualFold(n, string(b)) {
			*s = Scope(i)
			return nil
		}
	}
	return fmt.Errorf("drivers: unknown error scope %q (want one of %s)", b, strings.Join(scopeNames[:], ", "))
}

// DefaultScope is the scope a failure of this class reaches when the driver
// does not say otherwise: capacity, unsupported and unknown errors reach the
// zone; quota errors the region; permission and invalid errors the whole
// cloud; throttle and transient errors block nothing (ScopeDefault).
func (c Class) DefaultScope() Scope {
	switch c {
	case ClassCapacity, ClassUnsupported, ClassUnknown:
		return ScopeZone
	case ClassQuota:
		return ScopeRegion
	case ClassPermission, ClassInvalid:
		return ScopeCloud
	}
	return ScopeDefault
}

// Error is a classified provider failure. Drivers return it (wrapped or not)
// from Launch, Terminate and the optional interfaces; errors.As reaches it.
type Error struct {
	// Class is the kind of failure.
	Class Class
	// Scope is how far it reaches; ScopeDefault means Class.DefaultScope().
	Scope Scope
	// Code and Message are the provider's own error code and text, verbatim
	// ("InsufficientInstanceCapacity", "ZONE_RESOURCE_POOL_EXHAUSTED", ...).
	Code    string
	Message string
	// HTTPStatus is the status of the provider's response, 0 when unknown.
	HTTPStatus int
	// Cloud, Region and Zone say where it happened.
	Cloud  string
	Region string
	Zone   string
	// Op names the operation that failed ("launch", "terminate", ...).
	Op string
	// RetryAfter is how long the provider asked to wait before trying again
	// (an HTTP Retry-After header on a throttle); zero when it did not say.
	// The failover engine waits at least this long before a retry in place.
	RetryAfter time.Duration
	// Err is the underlying error (typically the SDK's); Unwrap returns it.
	Err error
}

// Error renders "cloud region/zone: op: class (Code): message".
func (e *Error) Error() string {
	var b strings.Builder
	loc := e.Location()
	if loc != "" {
		b.WriteString(loc)
		b.WriteString(": ")
	}
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(e.Class.String())
	if e.Code != "" {
		b.WriteString(" (")
		b.WriteString(e.Code)
		b.WriteString(")")
	}
	switch {
	case e.Message != "":
		b.WriteString(": ")
		b.WriteString(e.Message)
	case e.Err != nil:
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Location renders where the error happened: "cloud region/zone", omitting
// what is unknown.
func (e *Error) Location() string {
	parts := make([]string, 0, 2)
	if e.Cloud != "" {
		parts = append(parts, e.Cloud)
	}
	switch {
	case e.Region != "" && e.Zone != "":
		parts = append(parts, e.Region+"/"+e.Zone)
	case e.Zone != "":
		parts = append(parts, e.Zone)
	case e.Region != "":
		parts = append(parts, e.Region)
	}
	return strings.Join(parts, " ")
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// EffectiveScope returns Scope, or the class's default scope when Scope is
// ScopeDefault.
func (e *Error) EffectiveScope() Scope {
	if e.Scope != ScopeDefault {
		return e.Scope
	}
	return e.Class.DefaultScope()
}

// Is makes errors.Is(err, ErrCapacity) (and the other class sentinels) true
// for an *Error of that class.
func (e *Error) Is(target error) bool {
	s, ok := target.(classSentinel)
	return ok && Class(s) == e.Class
}

type classSentinel Class

func (s classSentinel) Error() string { return "drivers: " + Class(s).String() + " error" }

// Sentinels for errors.Is: errors.Is(err, drivers.ErrCapacity) is true when
// err is or wraps an *Error of class ClassCapacity.
var (
	ErrUnknown     error = classSentinel(ClassUnknown)
	ErrCapacity    error = classSentinel(ClassCapacity)
	ErrQuota       error = classSentinel(ClassQuota)
	ErrPermission  error = classSentinel(ClassPermission)
	ErrUnsupported error = classSentinel(ClassUnsupported)
	ErrInvalid     error = classSentinel(ClassInvalid)
	ErrThrottle    error = classSentinel(ClassThrottle)
	ErrTransient   error = classSentinel(ClassTransient)
)

// ClassOf returns the class of err: the Class of the first *Error in its
// chain, ClassUnknown when there is none.
func ClassOf(err error) Class {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return ClassUnknown
}
