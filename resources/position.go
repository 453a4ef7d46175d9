package resources

import "fmt"

// Position is a place in the YAML source: 1-based line and column. The zero
// value means unknown.
type Position struct {
	// Line and Column are 1-based, as the YAML parser reports them.
	Line   int
	Column int
}

// IsValid reports whether the position is known.
func (p Position) IsValid() bool { return p.Line > 0 }

// String renders "line:column", or "-" when unknown.
func (p Position) String() string {
	if !p.IsValid() {
		return "-"
	}
	return fmt.Sprintf("%d:%d", p.Line, p.Column)
}
