package brief

// FastYAML is fastYAML, for the tests that read briefs from other
// packages (the bench corpus).
var FastYAML = fastYAML
