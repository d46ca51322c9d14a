package brief

import yaml "go.yaml.in/yaml/v3"

// FastYAML is fastYAML for the tests that read briefs from other packages
// (the bench corpus): it returns a copy of the nodes and releases them, so
// that each call reuses the memory of the last, as Read does.
func FastYAML(front []byte) (*yaml.Node, bool) {
	doc, release, ok := fastYAML(front)
	if !ok {
		return nil, false
	}
	defer release()
	return copyNode(doc), true
}

func copyNode(n *yaml.Node) *yaml.Node {
	c := *n
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, k := range n.Content {
			c.Content[i] = copyNode(k)
		}
	}
	return &c
}

// FastYAMLRound decodes front and releases the nodes, as Read does.
func FastYAMLRound(front []byte) bool {
	_, release, ok := fastYAML(front)
	if ok {
		release()
	}
	return ok
}
