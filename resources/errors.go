package resources

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Code classifies a parse problem, for programs that react to kinds of
// mistakes (the message is for people).
type Code string

// The problem codes.
const (
	// CodeSyntax: the document is not valid YAML.
	CodeSyntax Code = "syntax"
	// CodeLimit: the document is too large or too deeply aliased.
	CodeLimit Code = "limit"
	// CodeUnknownField: a key that the grammar does not have.
	CodeUnknownField Code = "unknown_field"
	// CodeDuplicateKey: the same key twice in one mapping.
	CodeDuplicateKey Code = "duplicate_key"
	// CodeType: a value of the wrong YAML type (a list where a string is
	// expected, ...).
	CodeType Code = "type"
	// CodeValue: a value of the right type that is not valid (a negative
	// port, an unknown disk tier, ...).
	CodeValue Code = "value"
	// CodeConflict: fields that cannot be used together.
	CodeConflict Code = "conflict"
)

// Error is one problem in a task YAML: where it is, which field, what is
// wrong and what is accepted.
type Error struct {
	// File is the file name, when parsed with ParseFile.
	File string
	// Pos is the line and column of the offending key or value (the column
	// is 0 when the YAML parser did not report one).
	Pos Position
	// Path is the field path ("resources.any_of[1].cpus"); "" for problems
	// of the document as a whole.
	Path string
	// Code is the kind of problem.
	Code Code
	// Msg says what is wrong.
	Msg string
	// Hint says what is accepted or what to do; may be empty.
	Hint string
	// Suggestions are did-you-mean values, closest first.
	Suggestions []string
	// Err is the underlying error (the YAML parser's, for syntax errors).
	Err error
}

// Error renders "file:line:col: path: message; hint".
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Pos.IsValid() {
		b.WriteString(strconv.Itoa(e.Pos.Line))
		if e.Pos.Column > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Pos.Column))
		}
		b.WriteByte(':')
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if len(e.Suggestions) > 0 {
		b.WriteString("; did you mean ")
		for i, s := range e.Suggestions {
			if i > 0 {
				b.WriteString(" or ")
			}
			b.WriteString(strconv.Quote(s))
		}
		b.WriteByte('?')
	}
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// ErrorList is every problem found in one document, in source order. Parse
// returns it when there is more than one problem; errors.As reaches each
// *Error through it.
type ErrorList []*Error

// Error renders one problem per line.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems in the task YAML:", len(l))
	for _, e := range l {
		b.WriteString("\n  ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the problems, for errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Errors returns every *Error in err: the members of an ErrorList, a single
// *Error, or nothing.
func Errors(err error) []*Error {
	var l ErrorList
	if errors.As(err, &l) {
		return l
	}
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	return nil
}
