package cli

// ProgressLine is exported for tests.
var ProgressLine = progressLine
