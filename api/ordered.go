package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// node is a JSON value that keeps the order of its object's members: the
// reference at /docs shows the OpenAPI document's paths, properties and
// responses in the order the document gives them (encoding/json's maps and
// kin-openapi's lose it).
type node struct {
	kind byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	keys []string
	obj  map[string]*node
	arr  []*node
	str  string // string, or a number's text
	b    bool
}

// parseOrdered reads one JSON value.
func parseOrdered(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := readNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return n, nil
}

func readNode(dec *json.Decoder) (*node, error) {
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &node{kind: 'o', obj: map[string]*node{}}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key := k.(string)
				v, err := readNode(dec)
				if err != nil {
					return nil, err
				}
				if _, dup := n.obj[key]; !dup {
					n.keys = append(n.keys, key)
				}
				n.obj[key] = v
			}
			_, err := dec.Token() // '}'
			return n, err
		case '[':
			n := &node{kind: 'a'}
			for dec.More() {
				v, err := readNode(dec)
				if err != nil {
					return nil, err
				}
				n.arr = append(n.arr, v)
			}
			_, err := dec.Token() // ']'
			return n, err
		}
	case string:
		return &node{kind: 's', str: t}, nil
	case json.Number:
		return &node{kind: 'n', str: t.String()}, nil
	case bool:
		return &node{kind: 'b', b: t}, nil
	case nil:
		return &node{kind: 'z'}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", t)
}

// get is an object's member (nil if n is nil, not an object or has none).
func (n *node) get(key string) *node {
	if n == nil || n.kind != 'o' {
		return nil
	}
	return n.obj[key]
}

// has says whether an object has the member.
func (n *node) has(key string) bool { return n.get(key) != nil }

// s is a string member ("" if missing or not a string).
func (n *node) s(key string) string {
	if v := n.get(key); v != nil && v.kind == 's' {
		return v.str
	}
	return ""
}

// flag is a boolean member (false if missing).
func (n *node) flag(key string) bool {
	v := n.get(key)
	return v != nil && v.kind == 'b' && v.b
}

// strings is an array member of strings.
func (n *node) strings(key string) []string {
	var out []string
	if v := n.get(key); v != nil {
		for _, x := range v.arr {
			if x.kind == 's' {
				out = append(out, x.str)
			}
		}
	}
	return out
}

// members is an object's members in order.
func (n *node) members() []string {
	if n == nil || n.kind != 'o' {
		return nil
	}
	return n.keys
}

// text is a scalar as it reads in JSON (strings quoted), for enums,
// defaults and examples; objects and arrays as compact JSON.
func (n *node) text() string {
	switch n.kind {
	case 's':
		b, _ := marshalJSON(n.str)
		return string(b)
	case 'n':
		return n.str
	case 'b':
		if n.b {
			return "true"
		}
		return "false"
	case 'z':
		return "null"
	case 'a':
		parts := make([]string, len(n.arr))
		for i, x := range n.arr {
			parts[i] = x.text()
		}
		return "[" + strings.Join(parts, ",") + "]"
	default:
		parts := make([]string, len(n.keys))
		for i, k := range n.keys {
			b, _ := marshalJSON(k)
			parts[i] = string(b) + ":" + n.obj[k].text()
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
}

// pointer resolves a local reference such as "#/components/schemas/Entry".
func (n *node) pointer(ref string) (*node, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("reference %q is not local", ref)
	}
	cur := n
	for _, seg := range strings.Split(ref[2:], "/") {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		cur = cur.get(seg)
		if cur == nil {
			return nil, fmt.Errorf("reference %q names nothing", ref)
		}
	}
	return cur, nil
}
