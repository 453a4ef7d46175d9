package resources

import (
	"bytes"
	"errors"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxInputSize is the largest task YAML Parse accepts (1 MiB).
const MaxInputSize = 1 << 20

// maxAliasHops bounds how many aliases may be followed from one node, so
// that cyclic or deeply chained aliases end in a clean error.
const maxAliasHops = 32

// maxNodeVisits bounds the work of one Parse, aliases included (a YAML
// "billion laughs" document is refused instead of expanded).
const maxNodeVisits = 200_000

// ykind is the PyYAML (YAML 1.1) type of a node, which is what SkyPilot's
// schema checks.
type ykind int

const (
	kNull ykind = iota
	kBool
	kInt
	kFloat
	kStr
	kSeq
	kMap
)

func (k ykind) String() string {
	return [...]string{"null", "a boolean", "an integer", "a number", "a string", "a list", "a mapping"}[k]
}

// yaml11Bools are the plain scalars PyYAML reads as booleans and YAML 1.2
// does not (yes/no/on/off in three spellings each).
var yaml11Bools = map[string]bool{
	"yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
}

// kindOf returns the YAML 1.1 type of n (n must not be an alias).
func kindOf(n *yaml.Node) ykind {
	switch n.Kind {
	case yaml.MappingNode:
		return kMap
	case yaml.SequenceNode:
		return kSeq
	}
	switch n.ShortTag() {
	case "!!null":
		return kNull
	case "!!bool":
		return kBool
	case "!!int":
		return kInt
	case "!!float":
		return kFloat
	case "!!str":
		if n.Style == 0 {
			if _, ok := yaml11Bools[n.Value]; ok {
				return kBool
			}
		}
	}
	return kStr
}

// boolValue returns the value of a kBool node.
func boolValue(n *yaml.Node) bool {
	if v, ok := yaml11Bools[n.Value]; ok {
		return v
	}
	b, _ := strconv.ParseBool(strings.ToLower(n.Value))
	return b
}

// numberValue returns the value of a kInt or kFloat node; ok is false for
// values that do not fit or are not finite.
func numberValue(n *yaml.Node) (float64, bool) {
	v := strings.ReplaceAll(n.Value, "_", "")
	if kindOf(n) == kInt {
		if i, err := strconv.ParseInt(v, 0, 64); err == nil {
			return float64(i), true
		}
		if u, err := strconv.ParseUint(v, 0, 64); err == nil {
			return float64(u), true
		}
		return 0, false
	}
	switch strings.ToLower(v) {
	case ".inf", "+.inf", "-.inf", ".nan":
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// intValue returns the value of a node that must be an integer; integral
// floats such as 512.0 are accepted when allowFloat is set (JSON Schema
// draft 7 counts them as integers).
func intValue(n *yaml.Node, allowFloat bool) (int, bool) {
	k := kindOf(n)
	if k != kInt && !(allowFloat && k == kFloat) {
		return 0, false
	}
	f, ok := numberValue(n)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int(f), true
}

func posOf(n *yaml.Node) Position {
	if n == nil {
		return Position{}
	}
	return Position{Line: n.Line, Column: n.Column}
}

// load reads the first YAML document of data. It returns nil and no error
// for an empty document.
func load(data []byte) (*yaml.Node, *Error) {
	if len(data) > MaxInputSize {
		line, col := lineCol(data, MaxInputSize)
		return nil, &Error{Pos: Position{line, col}, Code: CodeLimit,
			Msg:  "the task YAML is larger than 1 MiB (" + strconv.Itoa(len(data)) + " bytes)",
			Hint: "a task YAML is a few kilobytes; move large data into files it references"}
	}
	if mayHoldSeveralDocuments(data) {
		return loadFirstOfMany(data)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntaxError(data, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// mayHoldSeveralDocuments reports whether data has a line starting with a
// document marker ("---" or "..."): only then can it hold a second
// document, which yaml.Unmarshal would silently ignore.
func mayHoldSeveralDocuments(data []byte) bool {
	for _, marker := range [][]byte{[]byte("---"), []byte("...")} {
		if bytes.HasPrefix(data, marker) || bytes.Contains(data, append([]byte("\n"), marker...)) {
			return true
		}
	}
	return false
}

// loadFirstOfMany decodes the first document of data and rejects a second.
func loadFirstOfMany(data []byte) (*yaml.Node, *Error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, syntaxError(data, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, &Error{Pos: posOf(&next), Code: CodeSyntax,
			Msg:  "the file holds more than one YAML document",
			Hint: "a task YAML is one document; remove the '---' separator or split the file"}
	case !errors.Is(err, io.EOF):
		return nil, syntaxError(data, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): `)

// parserProblems are the YAML parser's (as opposed to its scanner's)
// messages. For these yaml.v3 reports a 0-based line, where the construct
// that failed begins; scanner errors carry a 1-based line.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// syntaxError turns a YAML parser error into an *Error with a position:
// yaml.v3 reports the line for most errors (0-based for parser errors,
// 1-based for scanner errors, omitted on the first line); errors about bad
// bytes are located by looking at the input.
func syntaxError(data []byte, err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = err.Error()[len(m[0]):]
		if parserProblems[msg] {
			line++
		}
	}
	e := &Error{Pos: Position{Line: line}, Code: CodeSyntax, Err: err, Msg: "invalid YAML: " + msg,
		Hint: "fix the YAML syntax; quote values that start with * & ! { [ or contain ': '"}
	if strings.Contains(msg, "control characters") || strings.Contains(msg, "UTF-8") || strings.Contains(msg, "UTF-16") {
		if pos, ok := badByte(data); ok {
			e.Pos = pos
		}
	}
	return e
}

// badByte finds the first control character or invalid UTF-8 sequence.
func badByte(data []byte) (Position, bool) {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if (r == utf8.RuneError && size <= 1) || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			line, col := lineCol(data, i)
			return Position{line, col}, true
		}
		i += size
	}
	return Position{}, false
}

// lineCol returns the 1-based line and column of byte offset off.
func lineCol(data []byte, off int) (int, int) {
	off = min(off, len(data))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return line, 1 + utf8.RuneCount(data[start:off])
}
