package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"backoffice/ledger"
)

// readBody returns the request body, refusing bodies over the limit.
func readBody(c *gin.Context) ([]byte, error) {
	if b, ok := c.Get(bodyKey); ok {
		return b.([]byte), nil
	}
	b, err := io.ReadAll(c.Request.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, ledger.Errorf(ledger.CodeTooLarge, ledger.ReasonBodyTooLarge, "the request body is larger than %d bytes", tooBig.Limit)
	}
	if err != nil {
		return nil, ledger.Errorf(ledger.CodeMalformed, ledger.ReasonBodyUnreadable, "the request body could not be read")
	}
	c.Set(bodyKey, b)
	return b, nil
}

const bodyKey = "backoffice.body"

// decode reads a JSON request body into dst (a pointer to a struct). Every
// mistake is a 4xx naming its place: a body that is not JSON is malformed
// (400); fields that dst does not have, and values of the wrong type, are
// invalid (422) with the JSON path of each.
func decode(c *gin.Context, dst any) error {
	if ct := c.GetHeader("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return ledger.Errorf(ledger.CodeUnsupported, ledger.ReasonContentTypeUnsupported, "send the body as application/json, not %q", ct)
		}
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return ledger.Errorf(ledger.CodeMalformed, ledger.ReasonBodyEmpty, "the request body is empty; send a JSON object")
	}
	return decodeBytes(body, dst)
}

// decodeOptional decodes a body that may be left out entirely.
func decodeOptional(c *gin.Context, dst any) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return decode(c, dst)
}

// decodeBytes is decode of a body already read (or one element of a batch).
func decodeBytes(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	raw, err := readValue(dec, new([]step), 0)
	if err != nil {
		if e := (*ledger.Error)(nil); errors.As(err, &e) {
			return e
		}
		return malformed(body, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return ledger.Errorf(ledger.CodeMalformed, ledger.ReasonJSONMalformed, "the body has data after its JSON value (at byte %d)", dec.InputOffset())
	}
	var p ledger.Problems
	if raw == nil {
		// Named by path as checkShape names a body of the wrong type, so
		// that every 422 says where the mistake is.
		p.Add(bodyPath, ledger.ReasonInvalidType, "the body is null; send a JSON object")
		return p.Err()
	}
	checkShape(&p, "", raw, reflect.TypeOf(dst).Elem())
	if err := p.Err(); err != nil {
		return err
	}
	// No key is repeated and checkShape has seen every value with the type
	// it goes into, so Unmarshal fails only on what checkShape does not
	// model; its own message (Go type names) is not for the client.
	if err := json.Unmarshal(body, dst); err != nil {
		if e := (*ledger.Error)(nil); errors.As(err, &e) {
			return e
		}
		p.Add(bodyPath, ledger.ReasonInvalidType, "the body does not fit this request")
		return p.Err()
	}
	return nil
}

// bodyPath is the path of a problem with the body as a whole.
const bodyPath = "(body)"

// maxDepth is how deeply arrays and objects may nest, as encoding/json
// allows; readValue recurses once a level.
const maxDepth = 10000

// readValue reads one JSON value token by token into the shapes
// json.Unmarshal gives an any (map[string]any, []any, json.Number, string,
// bool, nil). Unlike Unmarshal it refuses a key given twice in one object:
// Unmarshal would merge both occurrences into one field, and checkShape
// (which sees only one) would let the other pass unchecked. at holds the
// path's parts down to the value, joined only for a message (joined at
// every level, deep nesting would cost the square of its depth).
func readValue(dec *json.Decoder, at *[]step, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF && depth > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	if depth >= maxDepth {
		return nil, ledger.Errorf(ledger.CodeMalformed, ledger.ReasonJSONMalformed, "the body nests arrays and objects more than %d deep", maxDepth)
	}
	switch tok {
	case json.Delim('{'):
		obj := map[string]any{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key := kt.(string) // the decoder gives only strings as keys
			*at = append(*at, step{key: key, index: -1})
			if _, seen := obj[key]; seen {
				return nil, ledger.Errorf(ledger.CodeMalformed, ledger.ReasonJSONMalformed, "%s: the key is given twice; give each key once", pathOf(*at))
			}
			v, err := readValue(dec, at, depth+1)
			if err != nil {
				return nil, err
			}
			*at = (*at)[:len(*at)-1]
			obj[key] = v
		}
		if _, err := dec.Token(); err != nil { // the closing brace
			return nil, err
		}
		return obj, nil
	case json.Delim('['):
		arr := []any{}
		for dec.More() {
			*at = append(*at, step{index: len(arr)})
			v, err := readValue(dec, at, depth+1)
			if err != nil {
				return nil, err
			}
			*at = (*at)[:len(*at)-1]
			arr = append(arr, v)
		}
		if _, err := dec.Token(); err != nil { // the closing bracket
			return nil, err
		}
		return arr, nil
	}
	return tok, nil
}

// step is one step of a path: an object's key, or (index >= 0) an
// array's element.
type step struct {
	key   string
	index int
}

// pathOf writes readValue's path as checkShape writes paths.
func pathOf(steps []step) string {
	path := ""
	for _, s := range steps {
		if s.index >= 0 {
			path += "[" + strconv.Itoa(s.index) + "]"
		} else {
			path = join(path, s.key)
		}
	}
	return path
}

func malformed(body []byte, err error) error {
	var syn *json.SyntaxError
	offset := int64(len(body))
	if errors.As(err, &syn) {
		offset = syn.Offset
	}
	line, col := 1, 1
	for _, b := range body[:min(int(offset), len(body))] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return ledger.Errorf(ledger.CodeMalformed, ledger.ReasonJSONMalformed, "the body is not valid JSON: %v (line %d, column %d)", err, line, col)
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	rawMessage      = reflect.TypeFor[json.RawMessage]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	dateType        = reflect.TypeFor[ledger.Date]()
)

// checkShape compares a decoded JSON value with the Go type it will be
// decoded into and records unknown fields and wrong types by path.
func checkShape(p *ledger.Problems, path string, v any, t reflect.Type) {
	if v == nil {
		return // null leaves the field unset
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessage {
		return // checked later on its own (the orders of a batch)
	}
	at := path
	if at == "" {
		at = bodyPath
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		str, ok := v.(string)
		if !ok {
			p.Add(at, ledger.ReasonInvalidType, "expected a string, got %s", jsonKind(v))
			return
		}
		// Parsed here, as Unmarshal will, so that a bad date is named by
		// its path and reason rather than failing Unmarshal as a whole.
		if err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(str)); err != nil {
			reason := ledger.ReasonInvalidType
			if t == dateType {
				reason = ledger.ReasonDateInvalid
			}
			p.Add(at, reason, "%v", err)
		}
		return
	}
	switch t.Kind() {
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			p.Add(at, ledger.ReasonInvalidType, "expected an object, got %s", jsonKind(v))
			return
		}
		for name, fv := range obj {
			checkShape(p, join(path, name), fv, t.Elem())
		}
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			p.Add(at, ledger.ReasonInvalidType, "expected an object, got %s", jsonKind(v))
			return
		}
		fields := jsonFields(t)
		for name, fv := range obj {
			ft, ok := fields[name]
			if !ok {
				p.Add(join(path, name), ledger.ReasonUnknownField, "unknown field %q", name)
				continue
			}
			checkShape(p, join(path, name), fv, ft)
		}
	case reflect.Slice:
		if str, ok := v.(string); ok && t.Elem().Kind() == reflect.String && reflect.PointerTo(t).Implements(jsonUnmarshaler) {
			// A list of strings that also takes one string
			// (bank.Columns: one column or several).
			checkShape(p, path, str, t.Elem())
			return
		}
		arr, ok := v.([]any)
		if !ok {
			p.Add(at, ledger.ReasonInvalidType, "expected an array, got %s", jsonKind(v))
			return
		}
		for i, ev := range arr {
			checkShape(p, fmt.Sprintf("%s[%d]", path, i), ev, t.Elem())
		}
	case reflect.String:
		str, ok := v.(string)
		if !ok {
			hint := ""
			if _, isNum := v.(json.Number); isNum && amountField(path) {
				hint = " (amounts are decimal strings such as \"1200.00\")"
			}
			p.Add(at, ledger.ReasonInvalidType, "expected a string, got %s%s", jsonKind(v), hint)
			return
		}
		if strings.ContainsRune(str, 0) {
			p.Add(at, ledger.ReasonTextInvalid, "text must not contain the NUL character")
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := v.(json.Number)
		if !ok {
			p.Add(at, ledger.ReasonInvalidType, "expected an integer, got %s", jsonKind(v))
			return
		}
		if _, err := strconv.ParseInt(n.String(), 10, t.Bits()); err != nil {
			p.Add(at, ledger.ReasonInvalidType, "expected an integer, got %s", n)
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			p.Add(at, ledger.ReasonInvalidType, "expected true or false, got %s", jsonKind(v))
		}
	}
}

// amountField reports whether a JSON path names an amount or a rate.
func amountField(path string) bool {
	for _, f := range []string{"debit", "credit", "exchange_rate"} {
		if path == f || strings.HasSuffix(path, "."+f) {
			return true
		}
	}
	return false
}

func join(path, name string) string {
	if name == "" {
		// An empty key ({"": 1}) still needs a path the client can
		// see: without this it would be "" at the top level.
		return path + `[""]`
	}
	if path == "" {
		return name
	}
	return path + "." + name
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// jsonFields maps the JSON names of a struct's fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
