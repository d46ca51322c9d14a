package brief

import yaml "go.yaml.in/yaml/v3"

// FastYAML is fastYAML, for the tests that read briefs from other
// packages (the bench corpus); the nodes it returns are never released.
func FastYAML(front []byte) (*yaml.Node, bool) {
	doc, _, ok := fastYAML(front)
	return doc, ok
}

// FastYAMLRound decodes front and releases the nodes, as Read does.
func FastYAMLRound(front []byte) bool {
	_, release, ok := fastYAML(front)
	if ok {
		release()
	}
	return ok
}
